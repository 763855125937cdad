// The transports' cloud SDKs are optional peer dependencies, loaded at the first invoke: a user of one
// cloud never installs or loads the others. A missing one is one error naming the target and the install.
import { RunnerInvokeError } from "./contract";

/** Runs `load` (a literal `import()`); a missing package becomes a RunnerInvokeError naming `field`. */
export async function loadOptionalPeer<T>(field: string, packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    // require() (the built CommonJS package) says MODULE_NOT_FOUND; a native import() (tsx) ERR_MODULE_NOT_FOUND.
    const code = (err as { code?: string }).code;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") throw err;
    const what =
      packages.length === 1
        ? `the ${packages[0]} package (an optional peer dependency)`
        : `the ${packages.join(" and ")} packages (optional peer dependencies)`;
    throw new RunnerInvokeError(`${field} needs ${what}: npm install ${packages.join(" ")}`, "transport");
  }
}

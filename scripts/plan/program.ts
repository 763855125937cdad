// Which Pulumi program `visor-db plan` runs and how it is loaded: ours (the package's own stacks) or a
// consumer's (`--program <dir>`: its Pulumi.yaml `name`, `main` and `stackConfigDir`), in TypeScript or
// JavaScript. TypeScript is bundled in memory by esbuild (relative imports inlined, packages left to
// Node's resolution from the program's directory), so the installed bin needs no TypeScript loader and
// no file that only the checkout has.
import { existsSync, readFileSync, statSync } from "node:fs";
import Module from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { parse } from "yaml";

export interface PulumiProgram {
  /** The directory holding Pulumi.yaml. */
  dir: string;
  /** Pulumi.yaml `name`: the namespace of the program's own config keys. */
  project: string;
  /** The entry file Pulumi's Node.js host would run. */
  main: string;
  /** Where Pulumi.<stack>.yaml files are (Pulumi.yaml `stackConfigDir`, default the program's directory). */
  stackConfigDir: string;
}

const TYPESCRIPT = new Set([".ts", ".mts", ".cts", ".tsx"]);
const INDEX_FILES = ["index.ts", "index.js", "index.cjs", "index.mjs", "index.mts", "index.cts"];

/** A file, or a directory's package.json `main` / index file, as Pulumi's Node.js host resolves `main`. */
export function resolveEntry(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new Error(`Pulumi program entry ${path} does not exist`);
  if (stat.isFile()) return path;
  const pkgFile = join(path, "package.json");
  if (existsSync(pkgFile)) {
    const main = (JSON.parse(readFileSync(pkgFile, "utf8")) as { main?: string }).main;
    if (main && existsSync(join(path, main))) return resolveEntry(join(path, main));
  }
  const index = INDEX_FILES.map((f) => join(path, f)).find((f) => existsSync(f));
  if (!index) throw new Error(`Pulumi program directory ${path} has none of ${INDEX_FILES.join(", ")}`);
  return index;
}

/** A consumer's program: the directory with Pulumi.yaml. `main` overrides Pulumi.yaml's entry. */
export function readProgram(dir: string, main?: string): PulumiProgram {
  const abs = resolve(dir);
  const file = join(abs, "Pulumi.yaml");
  if (!existsSync(file)) throw new Error(`--program ${dir} has no Pulumi.yaml`);
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { name?: unknown; main?: unknown; stackConfigDir?: unknown };
  if (typeof doc.name !== "string" || !doc.name) throw new Error(`${file}: name is required (a string)`);
  for (const key of ["main", "stackConfigDir"] as const) {
    if (doc[key] !== undefined && typeof doc[key] !== "string") throw new Error(`${file}: ${key} must be a path (a string)`);
  }
  return {
    dir: abs,
    project: doc.name,
    main: resolveEntry(main ?? resolve(abs, (doc.main as string | undefined) ?? ".")),
    stackConfigDir: resolve(abs, (doc.stackConfigDir as string | undefined) ?? "."),
  };
}

/** The package root: the nearest directory above this file with our package.json (checkout or node_modules). */
function packageRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "visor-db-infra") return dir;
  }
  throw new Error(`visor-db-infra's package.json not found above ${__dirname}`);
}

/**
 * Our own program (Pulumi.yaml → stacks/): the built dist/stacks when this file runs from dist/ (the
 * installed bin), the TypeScript sources when it runs from the checkout's scripts/.
 */
export function ownProgram(): PulumiProgram {
  return readProgram(packageRoot(), join(__dirname, "..", "..", "stacks"));
}

/** Runs the program's entry as Pulumi's Node.js host would, returning its exports. */
export function loadProgram(main: string): unknown {
  try {
    return TYPESCRIPT.has(extname(main)) ? runTypeScript(main) : require(main);
  } catch (err) {
    // A cloud SDK (an optional peer) the program needs but the project did not install: say which.
    const missing = /^Cannot find module '([^./][^']*)'/.exec(err instanceof Error ? err.message : "");
    if ((err as { code?: string }).code === "MODULE_NOT_FOUND" && missing) {
      const pkg = missing[1]!
        .split("/")
        .slice(0, missing[1]!.startsWith("@") ? 2 : 1)
        .join("/");
      throw new Error(`the program ${main} needs the package ${pkg}, which is not installed: npm install ${pkg}`);
    }
    throw err;
  }
}

function runTypeScript(main: string): unknown {
  // esbuild is only needed for TypeScript programs; loaded here so the rest of the CLI never pays for it.
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [main],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    sourcemap: "inline",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  const mod = new Module(main, module);
  mod.filename = main;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(main));
  (mod as unknown as { _compile(code: string, filename: string): void })._compile(code, main);
  return mod.exports;
}

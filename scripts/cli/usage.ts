// One clear line for bad input: which field, what is allowed. Commands throw UsageError; the entry
// point prints its message and exits 2 (other failures exit 1).
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** util.parseArgs with our error wording: unknown flags name the allowed ones. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    const allowed = Object.keys(options)
      .map((o) => `--${o}`)
      .join(", ");
    const reason = (err as Error).message.split("\n")[0]!.replace(/\. To specify.*$/, "");
    throw new UsageError(`visor-db ${command}: ${reason} (allowed: ${allowed})`);
  }
}

/** An integer flag within [min, max], or the default. */
export function intFlag(
  command: string,
  name: string,
  value: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `visor-db ${command}: --${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`,
    );
  }
  return n;
}

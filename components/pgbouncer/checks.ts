/**
 * Small field checks that throw {@link PgBouncerConfigError}. Each names the
 * field and the accepted range; none prints the value of a secret.
 */
import { PgBouncerConfigError } from "./errors";

// A newline would start a new ini line (i.e. inject settings); NUL truncates in C.
const CONTROL = /[\x00-\x1f\x7f]/;
// PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes.
const MAX_NAME_BYTES = 63;

export function fail(field: string, allowed: string, got?: string): never {
  throw new PgBouncerConfigError(field, allowed, got);
}

/** Describes a non-secret value for an error message, kept short. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}

/** Describes only the type, for values that may be secret. */
export function showType(value: unknown): string | undefined {
  if (value === undefined || value === null) return String(value);
  return typeof value === "string" ? undefined : `a value of type ${typeof value}`;
}

/** `note` is appended to the range, e.g. ", i.e. at most defaultPoolSize". */
export function int(field: string, value: unknown, min: number, max: number, note = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `an integer from ${min} to ${max}${note}`, show(value));
  }
  return value;
}

export function bool(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") fail(field, "true or false", show(value));
  return value;
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    fail(field, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`, show(value));
  }
  return value as T;
}

/** A single-line string: ini values end at the newline. */
export function line(field: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== "string" || (!allowEmpty && value.length === 0) || CONTROL.test(value)) {
    fail(field, `a ${allowEmpty ? "" : "non-empty "}string without control characters (newline, NUL)`, show(value));
  }
  return value;
}

/** A role or database name. */
export function name(field: string, value: unknown): string {
  if (
    typeof value !== "string" ||
    value.length === 0 ||
    CONTROL.test(value) ||
    Buffer.byteLength(value, "utf8") > MAX_NAME_BYTES
  ) {
    fail(field, `a non-empty name of at most ${MAX_NAME_BYTES} bytes without control characters (newline, NUL)`, show(value));
  }
  return value;
}

export function record(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(field, "an object", show(value));
  return value as Record<string, unknown>;
}

export function list(field: string, value: unknown, nonEmpty: boolean): unknown[] {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
    fail(field, `a ${nonEmpty ? "non-empty " : ""}array`, show(value));
  }
  return value;
}

/** Refuses typos such as `defaultPoolsize`, which would otherwise be ignored silently. */
export function knownKeys(field: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined && !known.includes(key)) {
      fail(`${field}.${key}`, `absent: it is not an option (known: ${known.join(", ")})`);
    }
  }
}

/** Refuses the second occurrence of a name. */
export function unique(field: string, value: string, seen: Set<string>, scope: string): void {
  if (seen.has(value)) fail(field, `unique within ${scope}`, show(value));
  seen.add(value);
}

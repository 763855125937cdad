// Bad input gets one clear error naming the field and the allowed range, before any resource is
// registered, so `pulumi preview` fails fast and nothing is half-created.

export class VisorValidationError extends Error {
  constructor(
    readonly field: string,
    readonly allowed: string,
    got: unknown,
    component?: string,
  ) {
    super(`${component ? `${component}: ` : ""}${field} must be ${allowed} (got ${describe(got)})`);
    this.name = "VisorValidationError";
  }
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === undefined) return "undefined";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A validator bound to one component name, so every message says where it came from. */
export class Validator {
  constructor(readonly component: string) {}

  fail(field: string, allowed: string, got: unknown): never {
    throw new VisorValidationError(field, allowed, got, this.component);
  }

  /** An integer in [min, max]; `undefined` → `fallback`. Unknown Pulumi outputs are not passed here. */
  int(field: string, value: number | undefined, min: number, max: number, fallback: number): number {
    const v = value ?? fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      this.fail(field, `an integer from ${min} to ${max}`, value);
    return v;
  }

  number(field: string, value: number | undefined, min: number, max: number, fallback: number): number {
    const v = value ?? fallback;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
      this.fail(field, `a number from ${min} to ${max}`, value);
    return v;
  }

  oneOf<T extends string>(field: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
    const v = value ?? fallback;
    if (!allowed.includes(v)) this.fail(field, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, value);
    return v;
  }

  bool(field: string, value: boolean | undefined, fallback: boolean): boolean {
    const v = value ?? fallback;
    if (typeof v !== "boolean") this.fail(field, "true or false", value);
    return v;
  }

  nonEmpty(field: string, value: string | undefined, fallback?: string): string {
    const v = value ?? fallback;
    if (typeof v !== "string" || v.trim() === "") this.fail(field, "a non-empty string", value);
    return v;
  }

  /** A lower-case identifier usable as a PostgreSQL role/database name. */
  identifier(field: string, value: string | undefined, fallback: string): string {
    const v = value ?? fallback;
    if (typeof v !== "string" || !/^[a-z_][a-z0-9_]{0,62}$/.test(v))
      this.fail(field, "a lower-case identifier of 1–63 characters (a-z, 0-9, _; not starting with a digit)", value);
    return v;
  }

  require(condition: boolean, field: string, allowed: string, got: unknown): void {
    if (!condition) this.fail(field, allowed, got);
  }
}

/**
 * The single error type the pgbouncer renderer throws for invalid options, so
 * callers (and `pulumi preview`) get one precise, machine-readable problem.
 */
export class PgBouncerConfigError extends Error {
  /** Path of the offending option, e.g. `pgbouncer.databases[1].port`. */
  readonly field: string;
  /** Human-readable description of what is accepted, e.g. `an integer from 1 to 65535`. */
  readonly allowed: string;

  /**
   * @param got - already formatted description of the rejected value; callers
   *   must leave it out for secrets (passwords, verifiers).
   */
  constructor(field: string, allowed: string, got?: string) {
    super(`${field} must be ${allowed}${got === undefined ? "" : ` (got ${got})`}`);
    this.name = "PgBouncerConfigError";
    this.field = field;
    this.allowed = allowed;
  }
}

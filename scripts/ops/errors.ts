// Every failure of an operations command reaches the operator as one line: what failed, where, and (for
// connections) whether it was the address, the credentials or the database name. Never the password.
import { classifyConnectError } from "../../components/visor/retry";
import { redactSecrets } from "../../components/visor/redact";
import { UsageError } from "../cli/usage";

/** A failure whose message is already the line to show. */
export class OpsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpsError";
  }
}

/** A database error without the SQL knex prefixes to it (`<sql> - <message>`). */
export function dbErrorMessage(err: unknown): string {
  const e = err as { sqlMessage?: string; message?: string };
  if (typeof e?.sqlMessage === "string") return e.sqlMessage;
  const message = String(e?.message ?? err);
  const i = message.lastIndexOf(" - ");
  return /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|SET|SHOW|BEGIN|SAVEPOINT)\b/i.test(message) && i > 0
    ? message.slice(i + 3)
    : message;
}

const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET"]);

/** The error `visor-db <command>` exits with: one line, redacted, naming the endpoint when connecting failed. */
export function commandError(
  command: string,
  err: unknown,
  endpoint: string | undefined,
  secrets: (string | undefined)[],
): Error {
  if (err instanceof UsageError) return err;
  const e = err as { code?: string; message?: string };
  let message = dbErrorMessage(err)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
  if (!(err instanceof OpsError) && endpoint) {
    const kind = classifyConnectError(err);
    if (kind !== "other" || CONNECT_CODES.has(e?.code ?? "")) message = `cannot use ${endpoint}: ${message}`;
  }
  const out = new Error(`visor-db ${command}: ${redactSecrets(message, secrets)}`);
  out.name = "OpsError";
  return out;
}

// A fresh RDS/Cloud SQL/Azure endpoint may not resolve or accept connections for a while: retry with
// bounded exponential backoff and say what we wait for. Wrong credentials, a missing database, a failed
// TLS verification or a read-only endpoint will not fix themselves: fail at once.
import type { Knex } from "knex";
import { describeEndpoint, openKnex, type VisorConnection } from "./connection";
import { redactSecrets } from "./redact";

export interface RetryOptions {
  /** Default 300000 (5 minutes). */
  timeoutMs?: number;
  /** Default 1000, doubling. */
  initialDelayMs?: number;
  /** Default 30000. */
  maxDelayMs?: number;
  log?: (message: string) => void;
}

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "08001",
  "08006",
  "ESOCKET",
]);

export type ConnectFailure = "transient" | "authentication" | "tls" | "database" | "other";

export function classifyConnectError(err: unknown): ConnectFailure {
  const e = err as { code?: string; errno?: number; number?: number; message?: string };
  const code = e.code ?? "";
  const message = e.message ?? "";
  if (
    code === "28P01" ||
    code === "28000" ||
    e.errno === 1045 ||
    code === "ELOGIN" ||
    /password authentication failed|Access denied/i.test(message)
  )
    return "authentication";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|certificate/i.test(code + " " + message)) return "tls";
  if (code === "3D000" || e.errno === 1049) return "database";
  if (
    TRANSIENT_CODES.has(code) ||
    /starting up|Timeout acquiring a connection|Connection terminated|timeout expired|connect ETIMEDOUT|did not answer within|server login has been failing|query_wait_timeout|pgbouncer cannot connect to server/i.test(
      message,
    )
  )
    return "transient";
  return "other";
}

export class ConnectError extends Error {
  constructor(
    message: string,
    readonly failure: ConnectFailure,
  ) {
    super(message);
    this.name = "ConnectError";
  }
}

const HINTS: Record<Exclude<ConnectFailure, "transient" | "other">, string> = {
  authentication: "authentication failed: check the user and password (not retried)",
  tls: "TLS verification failed: check ssl.mode, the CA bundle and that the host name matches the server certificate (not retried)",
  database: "the database does not exist on this server (not retried)",
};

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Calls `probe` (given the time left) until it resolves, with backoff; permanent failures end it at once. */
async function retryUntilAnswering(
  endpoint: string,
  secrets: (string | undefined)[],
  options: RetryOptions,
  probe: (remainingMs: number) => Promise<void>,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  let delay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    // Every attempt ends inside the budget: a pooler can queue SELECT 1 while its server is unreachable.
    const remaining = Math.max(1000, timeoutMs - (Date.now() - started));
    try {
      await probe(remaining);
      return;
    } catch (err) {
      const failure = classifyConnectError(err);
      const message = redactSecrets(err instanceof Error ? err.message : String(err), secrets);
      if (failure !== "transient" && failure !== "other")
        throw new ConnectError(`${endpoint}: ${HINTS[failure]}: ${message}`, failure);
      const elapsed = Date.now() - started;
      if (failure === "other" || elapsed + delay > timeoutMs) {
        const why = failure === "other" ? "" : ` after ${attempt} attempts over ${Math.round(elapsed / 1000)} s`;
        throw new ConnectError(`${endpoint} did not accept connections${why}: ${message}`, failure);
      }
      options.log?.(`waiting for ${endpoint} to accept connections (attempt ${attempt}: ${message}); next try in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}

/** Resolves once `SELECT 1` succeeds on `conn`; each attempt has a fresh pool, closed within 1 s. */
export async function waitForConnection(conn: VisorConnection, options: RetryOptions = {}): Promise<void> {
  const endpoint = describeEndpoint(conn);
  await retryUntilAnswering(endpoint, [conn.password], options, async (remaining) => {
    const db = await openKnex(conn, { pool: { min: 0, max: 1 }, connectTimeoutMs: Math.min(10_000, remaining) });
    try {
      await within(db.raw("SELECT 1"), Math.min(15_000, remaining), endpoint);
    } finally {
      // A half-open connection must not hold the caller past the budget either.
      await within(db.destroy(), 1000, "closing the probe connection").catch(() => undefined);
    }
  });
}

/** The same wait on a knex the caller keeps using afterwards (one pool for a whole operation). */
export async function waitForKnex(
  db: Knex,
  endpoint: string,
  options: RetryOptions = {},
  secrets: (string | undefined)[] = [],
): Promise<void> {
  await retryUntilAnswering(endpoint, secrets, options, (remaining) =>
    within(db.raw("SELECT 1"), Math.min(15_000, remaining), endpoint),
  );
}

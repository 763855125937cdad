// A fresh RDS/Cloud SQL/Azure endpoint may not resolve or accept connections for a while: retry with
// bounded exponential backoff and say what we wait for. Wrong credentials, a missing database, a failed
// TLS verification or a read-only endpoint will not fix themselves: fail at once.
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

/** Resolves once `SELECT 1` succeeds on `conn`. */
export async function waitForConnection(conn: VisorConnection, options: RetryOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  let delay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const endpoint = describeEndpoint(conn);
  const started = Date.now();
  const clean = (m: string) => redactSecrets(m, [conn.password]);
  const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    });
    return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
  };
  for (let attempt = 1; ; attempt++) {
    // Every attempt ends inside the budget: a pooler can queue SELECT 1 while its server is unreachable.
    const remaining = Math.max(1000, timeoutMs - (Date.now() - started));
    const db = await openKnex(conn, { pool: { min: 0, max: 1 }, connectTimeoutMs: Math.min(10_000, remaining) });
    try {
      await within(db.raw("SELECT 1"), Math.min(15_000, remaining), endpoint);
      return;
    } catch (err) {
      const failure = classifyConnectError(err);
      const message = clean(err instanceof Error ? err.message : String(err));
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
    } finally {
      // A half-open connection must not hold the caller past the budget either.
      await within(db.destroy(), 1000, "closing the probe connection").catch(() => undefined);
    }
  }
}

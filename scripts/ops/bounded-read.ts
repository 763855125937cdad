// Reads that must not hang behind someone else's lock: monitoring is most needed exactly when a session
// holds ACCESS EXCLUSIVE on `schedules` (a migration, a VACUUM FULL, a stuck transaction). On PostgreSQL each
// read runs in its own transaction with lock_timeout/statement_timeout set by set_config(…, true) — local to
// that transaction, so it works through PgBouncer in transaction mode — and a timeout becomes a line saying
// what could not be read and who holds the lock, instead of a wait. MySQL/MariaDB: lock_wait_timeout bounds
// the metadata-lock wait the same way.
import type { Knex } from "knex";
import type { VisorDriver } from "../../components/visor/connection";
import { query } from "../../components/visor/dialects";
import { dbErrorMessage } from "./errors";

export interface ReadLimits {
  /** Give up waiting for a lock after this long. */
  lockTimeoutMs: number;
  /** Give up on any one statement after this long. */
  statementTimeoutMs: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { lockTimeoutMs: 1000, statementTimeoutMs: 10_000 };

const TIMED_OUT = new Set(["55P03", "57014"]); // lock_not_available, query_canceled

/** `fn`'s result, or undefined when it hit a limit (then `unreadable` says what, and who holds `table`'s lock). */
export async function boundedRead<T>(
  db: Knex,
  driver: VisorDriver,
  limits: ReadLimits,
  what: string,
  table: string,
  unreadable: string[],
  fn: (q: Knex | Knex.Transaction) => Promise<T>,
): Promise<T | undefined> {
  if (driver === "mssql") return fn(db);
  try {
    return await db.transaction(async (trx) => {
      if (driver === "postgresql") {
        await trx.raw("SELECT set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)", [
          `${limits.lockTimeoutMs}ms`,
          `${limits.statementTimeoutMs}ms`,
        ]);
      } else {
        // MySQL/MariaDB: a metadata lock (LOCK TABLES … WRITE, ALTER TABLE) is what a plain SELECT waits on.
        // The monitor's own connection, in whole seconds.
        await trx.raw("SET SESSION lock_wait_timeout = ?", [Math.max(1, Math.ceil(limits.lockTimeoutMs / 1000))]);
      }
      return fn(trx);
    });
  } catch (err) {
    const e = err as { code?: string; errno?: number };
    if (driver === "mysql" && e.errno === 1205) {
      unreadable.push(`${what}: no lock on ${table} within ${Math.max(1, Math.ceil(limits.lockTimeoutMs / 1000)) * 1000} ms`);
      return undefined;
    }
    const code = e.code;
    if (driver !== "postgresql" || !code || !TIMED_OUT.has(code)) throw err;
    const holders = await lockHolders(db, table).catch(() => "");
    unreadable.push(
      `${what}: ${code === "55P03" ? `no lock on ${table} within ${limits.lockTimeoutMs} ms` : `timed out after ${limits.statementTimeoutMs} ms`}${holders ? ` (${holders})` : ""}`,
    );
    return undefined;
  }
}

/** Who holds a lock on `table` that others wait behind: `held by pid 123 (AccessExclusiveLock): LOCK TABLE …`. */
async function lockHolders(db: Knex, table: string): Promise<string> {
  const rows = await query<{ pid: number; mode: string; q: string | null }>(
    db,
    "postgresql",
    `SELECT l.pid, l.mode, left(a.query, 120) AS q FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.granted AND l.locktype = 'relation' AND l.relation = to_regclass(?)
        AND l.mode IN ('AccessExclusiveLock', 'ExclusiveLock') AND l.pid <> pg_backend_pid()`,
    [table],
  );
  return rows.map((r) => `held by pid ${r.pid} (${r.mode})${r.q ? `: ${r.q.replace(/\s+/g, " ")}` : ""}`).join("; ");
}

export const firstLine = (err: unknown) => dbErrorMessage(err).split("\n")[0]!;

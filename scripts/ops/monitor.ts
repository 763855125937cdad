// The guide's "Monitoring" queries (active connections, table sizes, ungranted locks, slowest statements
// from pg_stat_statements) plus what Visor itself can get stuck on: expired scheduler_locks rows and
// schedules left claimed. MySQL/MariaDB get the equivalent catalog queries.
import type { Knex } from "knex";
import type { VisorDriver } from "../../components/visor/connection";
import { databaseNowMs, query } from "../../components/visor/dialects";
import { boundedRead, DEFAULT_READ_LIMITS, firstLine, type ReadLimits } from "./bounded-read";

export interface MonitorOptions {
  /** A claim older than this counts as stuck. Default 600000 (10 min). */
  stuckAfterMs?: number;
  /** Rows listed per finding. Default 20. */
  limit?: number;
  /** How long a reading may wait for a lock / run (PostgreSQL). Default 1 s / 10 s. */
  limits?: ReadLimits;
}

export interface WaitingLock {
  pid: number;
  detail: string;
  waitingMs?: number;
  blockedBy: number[];
  query?: string;
}

export interface SlowStatement {
  query: string;
  calls: number;
  meanMs: number;
  totalMs: number;
}

export interface MonitorSnapshot {
  at: string;
  databaseNowMs: number;
  connections: { total: number; byState: Record<string, number> };
  /** `bytes` is absent when the size could not be read within the lock timeout. */
  tables: { name: string; bytes?: number; rows?: number }[];
  waitingLocks: WaitingLock[] | null;
  slowStatements: SlowStatement[] | null;
  /** Why a section is empty/null: pg_stat_statements not installed, a missing privilege, … */
  hints: string[];
  /** Readings given up because a lock was not granted in time, with who holds it. */
  unreadable: string[];
  staleLocks: { count: number; rows: { lock_id: string; node_id: string; expires_at: number; expiredForMs: number }[] };
  stuckClaims: {
    count: number;
    thresholdMs: number;
    rows: { id: string; workflow: string | null; claimed_by: string; claimed_at: number | null; claimedForMs?: number }[];
  };
  /** One line per thing that needs a look. */
  findings: string[];
}

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export async function monitorSnapshot(db: Knex, driver: VisorDriver, options: MonitorOptions = {}): Promise<MonitorSnapshot> {
  if (driver === "mssql") throw new Error("monitor supports PostgreSQL and MySQL/MariaDB");
  const limit = options.limit ?? 20;
  const stuckAfterMs = options.stuckAfterMs ?? 600_000;
  const limits = options.limits ?? DEFAULT_READ_LIMITS;
  const now = await databaseNowMs(db, driver);
  const hints: string[] = [];
  const snap: MonitorSnapshot = {
    at: new Date(now).toISOString(),
    databaseNowMs: now,
    connections: { total: 0, byState: {} },
    tables: [],
    waitingLocks: null,
    slowStatements: null,
    hints,
    unreadable: [],
    staleLocks: { count: 0, rows: [] },
    stuckClaims: { count: 0, thresholdMs: stuckAfterMs, rows: [] },
    findings: [],
  };
  const pg = driver === "postgresql";

  const conns = await query<{ n: unknown; state: string | null }>(
    db,
    driver,
    pg
      ? "SELECT count(*) AS n, coalesce(state, 'unknown') AS state FROM pg_stat_activity WHERE datname = current_database() GROUP BY 2"
      : "SELECT count(*) AS n, command AS state FROM information_schema.processlist WHERE db = DATABASE() GROUP BY command",
  );
  for (const c of conns) snap.connections.byState[String(c.state).toLowerCase()] = n(c.n);
  snap.connections.total = Object.values(snap.connections.byState).reduce((a, b) => a + b, 0);

  // Names and row estimates come from the statistics view (no lock); each size needs the relation opened,
  // so it is read within the lock timeout.
  const tables = await query<{ name: string; bytes: unknown; nrows: unknown }>(
    db,
    driver,
    pg
      ? `SELECT relname AS name, NULL AS bytes, n_live_tup AS nrows
           FROM pg_catalog.pg_stat_user_tables WHERE schemaname = current_schema()`
      : `SELECT table_name AS name, data_length + index_length AS bytes, table_rows AS nrows
           FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY data_length + index_length DESC`,
  );
  const read = <T>(what: string, table: string, fn: (q: Knex | Knex.Transaction) => Promise<T>) =>
    boundedRead(db, driver, limits, what, table, snap.unreadable, fn);
  for (const t of tables) {
    let bytes: number | undefined = n(t.bytes);
    if (pg) {
      const [row] =
        (await read(`size of ${t.name}`, t.name, (q) =>
          query<{ b: unknown }>(q, driver, "SELECT pg_total_relation_size(to_regclass(?)) AS b", [t.name]),
        )) ?? [];
      bytes = row ? n(row.b) : undefined;
    }
    snap.tables.push({ name: t.name, bytes, rows: t.nrows === null ? undefined : n(t.nrows) });
  }
  snap.tables.sort((a, b) => (b.bytes ?? -1) - (a.bytes ?? -1));

  const names = new Set(snap.tables.map((t) => t.name));
  if (names.has("scheduler_locks")) {
    await read("expired scheduler_locks", "scheduler_locks", async (q) => {
      const [c] = await query<{ n: unknown }>(q, driver, "SELECT count(*) AS n FROM scheduler_locks WHERE expires_at < ?", [now]);
      snap.staleLocks.count = n(c!.n);
      const rows = await query<{ lock_id: string; node_id: string; expires_at: unknown }>(
        q,
        driver,
        `SELECT lock_id, node_id, expires_at FROM scheduler_locks WHERE expires_at < ? ORDER BY expires_at LIMIT ${limit}`,
        [now],
      );
      snap.staleLocks.rows = rows.map((r) => ({ ...r, expires_at: n(r.expires_at), expiredForMs: now - n(r.expires_at) }));
    });
    if (snap.staleLocks.count)
      snap.findings.push(
        `${snap.staleLocks.count} expired scheduler_locks row(s) (oldest ${snap.staleLocks.rows[0]!.lock_id} held by ${snap.staleLocks.rows[0]!.node_id}, expired ${duration(snap.staleLocks.rows[0]!.expiredForMs)} ago)`,
      );
  } else hints.push("scheduler_locks does not exist (HA mode never ran here, or run `visor-db bootstrap`)");
  if (!names.has("schedules")) hints.push("schedules does not exist: run `visor-db bootstrap`");
  // Claims are the guide's columns; a schedules table Visor's own store created has none (nothing to check).
  else if (!(await db.schema.hasColumn("schedules", "claimed_by")))
    hints.push("schedules has no claimed_by column (made by Visor's store, which does not claim rows): no claims to check");
  else {
    const cutoff = now - stuckAfterMs;
    const where = "claimed_by IS NOT NULL AND (claimed_at IS NULL OR claimed_at < ?)";
    await read("claimed schedules", "schedules", async (q) => {
      const [c] = await query<{ n: unknown }>(q, driver, `SELECT count(*) AS n FROM schedules WHERE ${where}`, [cutoff]);
      snap.stuckClaims.count = n(c!.n);
      const rows = await query<{ id: string; workflow: string | null; claimed_by: string; claimed_at: unknown }>(
        q,
        driver,
        `SELECT id, workflow, claimed_by, claimed_at FROM schedules WHERE ${where} ORDER BY claimed_at LIMIT ${limit}`,
        [cutoff],
      );
      snap.stuckClaims.rows = rows.map((r) => ({
        ...r,
        claimed_at: r.claimed_at === null ? null : n(r.claimed_at),
        claimedForMs: r.claimed_at === null ? undefined : now - n(r.claimed_at),
      }));
    });
    if (snap.stuckClaims.count)
      snap.findings.push(
        `${snap.stuckClaims.count} schedule(s) claimed for more than ${duration(stuckAfterMs)} (e.g. ${snap.stuckClaims.rows[0]!.id} by ${snap.stuckClaims.rows[0]!.claimed_by})`,
      );
  }
  // Read after the table reads: a session waiting all along is still listed, with what blocks it.
  snap.waitingLocks = await waitingLocks(db, driver, hints);
  snap.slowStatements = await slowStatements(db, driver, hints);
  if (snap.unreadable.length)
    snap.findings.push(`${snap.unreadable.length} reading(s) gave up waiting for a lock (see unreadable)`);
  if (snap.waitingLocks?.length) snap.findings.push(`${snap.waitingLocks.length} lock request(s) waiting (lock contention)`);
  return snap;
}

async function waitingLocks(db: Knex, driver: VisorDriver, hints: string[]): Promise<WaitingLock[] | null> {
  if (driver === "postgresql") {
    const rows = await query<{
      pid: number;
      locktype: string;
      mode: string;
      rel: string | null;
      q: string | null;
      ms: unknown;
      blocked_by: number[];
    }>(
      db,
      driver,
      `SELECT l.pid, l.locktype, l.mode, l.relation::regclass::text AS rel, left(a.query, 200) AS q,
              (extract(epoch FROM clock_timestamp() - a.state_change) * 1000)::bigint AS ms, pg_blocking_pids(l.pid) AS blocked_by
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND a.datname = current_database() ORDER BY ms DESC NULLS LAST`,
    );
    return rows.map((r) => ({
      pid: r.pid,
      detail: `${r.mode} (${r.locktype}${r.rel ? ` on ${r.rel}` : ""})`,
      waitingMs: r.ms === null ? undefined : n(r.ms),
      blockedBy: r.blocked_by ?? [],
      query: r.q ?? undefined,
    }));
  }
  try {
    const rows = await query<{
      pid: unknown;
      q: string | null;
      blocker: unknown;
      ms: unknown;
      mode: string | null;
      tbl: string | null;
    }>(
      db,
      driver,
      `SELECT r.trx_mysql_thread_id AS pid, r.trx_query AS q, b.trx_mysql_thread_id AS blocker,
              TIMESTAMPDIFF(MICROSECOND, r.trx_wait_started, NOW(6)) DIV 1000 AS ms, rl.lock_mode AS mode, rl.lock_table AS tbl
         FROM information_schema.innodb_lock_waits w
         JOIN information_schema.innodb_trx r ON r.trx_id = w.requesting_trx_id
         JOIN information_schema.innodb_trx b ON b.trx_id = w.blocking_trx_id
         LEFT JOIN information_schema.innodb_locks rl ON rl.lock_id = w.requested_lock_id`,
    );
    return group(
      rows.map((r) => ({
        pid: n(r.pid),
        detail: `${r.mode ?? "lock"}${r.tbl ? ` on ${r.tbl}` : ""}`,
        waitingMs: n(r.ms),
        blockedBy: [n(r.blocker)],
        query: r.q ?? undefined,
      })),
    );
  } catch (mariaErr) {
    try {
      // MySQL 8: information_schema.innodb_lock_waits is gone; the sys schema has the same view.
      const rows = await query<{
        pid: unknown;
        q: string | null;
        blocker: unknown;
        secs: unknown;
        mode: string | null;
        tbl: string | null;
      }>(
        db,
        driver,
        "SELECT waiting_pid AS pid, waiting_query AS q, blocking_pid AS blocker, wait_age_secs AS secs, waiting_lock_mode AS mode, locked_table AS tbl FROM sys.innodb_lock_waits",
      );
      return group(
        rows.map((r) => ({
          pid: n(r.pid),
          detail: `${r.mode ?? "lock"}${r.tbl ? ` on ${r.tbl}` : ""}`,
          waitingMs: n(r.secs) * 1000,
          blockedBy: [n(r.blocker)],
          query: r.q ?? undefined,
        })),
      );
    } catch {
      hints.push(`lock waits unavailable (${firstLine(mariaErr)}): grant PROCESS to this user to see them`);
      return null;
    }
  }
}

function group(rows: WaitingLock[]): WaitingLock[] {
  const out = new Map<number, WaitingLock>();
  for (const r of rows) {
    const prev = out.get(r.pid);
    if (prev) prev.blockedBy = [...new Set([...prev.blockedBy, ...r.blockedBy])];
    else out.set(r.pid, r);
  }
  return [...out.values()];
}

async function slowStatements(db: Knex, driver: VisorDriver, hints: string[]): Promise<SlowStatement[] | null> {
  if (driver === "postgresql") {
    // The view lives in the schema the extension was created in, which need not be on the search_path.
    const [ext] = await query<{ v: string; schema: string }>(
      db,
      driver,
      "SELECT extversion AS v, extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_stat_statements'",
    );
    if (!ext) {
      hints.push(
        "pg_stat_statements is not installed: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf, restart, then CREATE EXTENSION pg_stat_statements (slowest statements need it)",
      );
      return null;
    }
    try {
      const rows = await query<{ query: string; calls: unknown; mean: unknown; total: unknown }>(
        db,
        driver,
        `SELECT left(query, 200) AS query, calls, mean_exec_time AS mean, total_exec_time AS total FROM ${ext.schema}.pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY mean_exec_time DESC LIMIT 10`,
      );
      return rows.map((r) => ({ query: r.query, calls: n(r.calls), meanMs: n(r.mean), totalMs: n(r.total) }));
    } catch (err) {
      const message = firstLine(err);
      hints.push(
        /shared_preload_libraries/.test(message)
          ? `pg_stat_statements is installed (schema ${ext.schema}) but not loaded: add it to shared_preload_libraries in postgresql.conf and restart`
          : `pg_stat_statements is installed in schema ${ext.schema} but ${ext.schema}.pg_stat_statements cannot be read (${message}): GRANT USAGE ON SCHEMA ${ext.schema} and pg_read_all_stats to this user`,
      );
      return null;
    }
  }
  const [ps] = await query<{ on: unknown }>(db, driver, "SELECT @@performance_schema AS `on`");
  if (!n(ps!.on)) {
    hints.push("performance_schema is OFF: set performance_schema = ON in my.cnf and restart (slowest statements need it)");
    return null;
  }
  try {
    const rows = await query<{ query: string; calls: unknown; mean: unknown; total: unknown }>(
      db,
      driver,
      `SELECT LEFT(DIGEST_TEXT, 200) AS query, COUNT_STAR AS calls, AVG_TIMER_WAIT / 1000000000 AS mean, SUM_TIMER_WAIT / 1000000000 AS total
         FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME = DATABASE() ORDER BY AVG_TIMER_WAIT DESC LIMIT 10`,
    );
    return rows.map((r) => ({ query: r.query, calls: n(r.calls), meanMs: n(r.mean), totalMs: n(r.total) }));
  } catch (err) {
    hints.push(`performance_schema statement digests unavailable (${firstLine(err)})`);
    return null;
  }
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

export function formatSnapshot(s: MonitorSnapshot, endpoint: string, humanBytes: (b: number) => string): string[] {
  const lines = [`monitor ${endpoint} at ${s.at}`];
  const states = Object.entries(s.connections.byState)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  lines.push(`connections: ${s.connections.total}${states ? ` (${states})` : ""}`);
  lines.push(
    `tables: ${s.tables.length ? s.tables.map((t) => `${t.name} ${t.bytes === undefined ? "size unreadable" : humanBytes(t.bytes)}${t.rows !== undefined ? ` (~${t.rows} rows)` : ""}`).join(", ") : "none"}`,
  );
  if (s.waitingLocks === null) lines.push("waiting locks: unavailable");
  else if (!s.waitingLocks.length) lines.push("waiting locks: none");
  else {
    lines.push(`waiting locks: ${s.waitingLocks.length}`);
    for (const w of s.waitingLocks)
      lines.push(
        `  pid ${w.pid} waits for ${w.detail}${w.waitingMs !== undefined ? ` for ${duration(w.waitingMs)}` : ""}, blocked by ${w.blockedBy.join(", ") || "?"}${w.query ? `: ${w.query.replace(/\s+/g, " ")}` : ""}`,
      );
  }
  if (s.slowStatements === null) lines.push("slowest statements: unavailable");
  else {
    lines.push(`slowest statements (mean): ${s.slowStatements.length ? "" : "none recorded"}`);
    for (const q of s.slowStatements)
      lines.push(`  ${q.meanMs.toFixed(2)} ms × ${q.calls} (total ${q.totalMs.toFixed(0)} ms): ${q.query.replace(/\s+/g, " ")}`);
  }
  lines.push(`stale scheduler_locks: ${s.staleLocks.count}`);
  for (const l of s.staleLocks.rows) lines.push(`  ${l.lock_id} (node ${l.node_id}) expired ${duration(l.expiredForMs)} ago`);
  lines.push(`schedules claimed > ${duration(s.stuckClaims.thresholdMs)}: ${s.stuckClaims.count}`);
  for (const c of s.stuckClaims.rows)
    lines.push(
      `  ${c.id}${c.workflow ? ` (${c.workflow})` : ""} claimed by ${c.claimed_by}${c.claimedForMs !== undefined ? ` ${duration(c.claimedForMs)} ago` : ""}`,
    );
  for (const u of s.unreadable) lines.push(`unreadable: ${u}`);
  for (const h of s.hints) lines.push(`hint: ${h}`);
  for (const f of s.findings) lines.push(`! ${f}`);
  lines.push(s.findings.length ? `${s.findings.length} finding(s)` : "OK: nothing stuck");
  return lines;
}

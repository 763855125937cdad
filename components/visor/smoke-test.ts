// The HA smoke test: simulated Visor nodes run Visor's own lock protocol against an endpoint and prove
// that it is the writer, holds Visor's schema and keeps scheduler locks exclusive. It touches only rows
// it created (run id in every lock id and creator_id) and removes them even when a check fails.
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { describeEndpoint, openKnex, resolveConnection, type VisorConnection, type VisorDriver } from "./connection";
import { databaseNowMs, query, serverVersion, writerStatus } from "./dialects";
import { inspectWith } from "./inspect";
import { SchedulerLocks } from "./locks";
import { redactSecrets } from "./redact";
import { CONNECT_REMEDIES, OPTIONAL_COLUMN_NOTE, SMOKE_REMEDIES } from "./remedies";
import { classifyConnectError } from "./retry";
import { rowRoundtrip } from "./smoke-row";

export interface SmokeTestOptions {
  /** The writer endpoint Visor will use. */
  connection: VisorConnection;
  /** When given, the lock checks run again through this pooler (PgBouncer, RDS Proxy, …). */
  poolerConnection?: VisorConnection;
  /** Simulated Visor nodes, each on its own connection. Default 3 (2–32). */
  nodes?: number;
  /** Visor's `lock_ttl` in ms. Default 60000 (Visor's default). */
  lockTtlMs?: number;
  /** Visor's `heartbeat_interval` in ms. Default 15000 (Visor's default). */
  heartbeatMs?: number;
  /** Largest tolerated |database clock − this host's clock|. Default: the smaller of 1000 ms and lockTtlMs / 10. */
  maxClockSkewMs?: number;
  /** Rounds of the mutual-exclusion race. Default 5 (1–100). */
  rounds?: number;
  /** Lock protocol variant to prove. Default `node` (what Visor does). */
  clock?: "node" | "database";
  /** TTL used by the expiry-takeover check, so it waits this long instead of lockTtlMs. Default 250 ms. */
  shortTtlMs?: number;
  /** The clock of the host Visor runs on, compared with the database clock. Default `Date.now`. */
  hostClock?: () => number;
}

export interface SmokeCheck {
  name: string;
  passed: boolean;
  detail: string;
  remedy?: string;
}

export interface SmokeReport {
  passed: boolean;
  durationMs: number;
  driver: VisorDriver;
  /** `direct` or `direct+pooler`. */
  via: "direct" | "direct+pooler";
  isWriter: boolean;
  /** Database clock minus this host's clock, in ms (round-trip corrected). */
  clockSkewMs?: number;
  runId: string;
  checks: SmokeCheck[];
}

function validate(o: SmokeTestOptions): Required<Omit<SmokeTestOptions, "poolerConnection" | "connection" | "hostClock">> {
  const int = (field: string, v: number | undefined, min: number, max: number, d: number) => {
    const value = v ?? d;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`smoke test ${field} must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
    }
    return value;
  };
  const lockTtlMs = int("lockTtlMs", o.lockTtlMs, 1000, 86_400_000, 60_000);
  const clock = o.clock ?? "node";
  if (clock !== "node" && clock !== "database")
    throw new Error(`smoke test clock must be "node" or "database" (got ${JSON.stringify(clock)})`);
  return {
    nodes: int("nodes", o.nodes, 2, 32, 3),
    lockTtlMs,
    heartbeatMs: int("heartbeatMs", o.heartbeatMs, 100, 86_400_000, 15_000),
    maxClockSkewMs: int("maxClockSkewMs", o.maxClockSkewMs, 0, 86_400_000, Math.min(1000, Math.floor(lockTtlMs / 10))),
    rounds: int("rounds", o.rounds, 1, 100, 5),
    clock,
    shortTtlMs: int("shortTtlMs", o.shortTtlMs, 50, 10_000, 250),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One endpoint's lock checks, run by `nodes` simulated Visor nodes. */
class LockScenario {
  readonly lockIds = new Set<string>();

  constructor(
    private readonly nodes: SchedulerLocks[],
    private readonly runId: string,
    private readonly label: string,
    private readonly ttlMs: number,
    private readonly shortTtlMs: number,
    private readonly rounds: number,
    private readonly admin: Knex,
    private readonly driver: VisorDriver,
  ) {}

  lockId(check: string, n = 0): string {
    // Visor's ids are schedule UUIDs or `__static_cron__:<job>`; ours carry the run id so they never collide.
    const id = `__visor_db_smoke__:${this.runId}:${this.label}:${check}:${n}`;
    this.lockIds.add(id);
    return id;
  }

  private async holder(lockId: string): Promise<string | undefined> {
    const [row] = await query<{ lock_token: string }>(
      this.admin,
      this.driver,
      "SELECT lock_token FROM scheduler_locks WHERE lock_id = ?",
      [lockId],
    );
    return row?.lock_token;
  }

  async mutualExclusion(): Promise<string> {
    for (let round = 0; round < this.rounds; round++) {
      const lockId = this.lockId("race", round);
      const grants = await Promise.all(this.nodes.map((n) => n.acquire(lockId, this.ttlMs)));
      const winners = grants.map((g, i) => ({ g, i })).filter((w) => w.g !== null);
      if (winners.length !== 1)
        throw new Error(`round ${round + 1}: ${winners.length} of ${this.nodes.length} nodes acquired the same lock`);
      const { g, i } = winners[0]!;
      if ((await this.holder(lockId)) !== g!.token)
        throw new Error(`round ${round + 1}: the row's lock_token is not the winner's`);
      if (!(await this.nodes[i]!.release(lockId, g!.token))) throw new Error(`round ${round + 1}: the winner could not release`);
    }
    return `${this.rounds} rounds × ${this.nodes.length} nodes on separate connections: exactly one winner each round`;
  }

  async renewal(): Promise<string> {
    const [a, b] = this.nodes as [SchedulerLocks, SchedulerLocks];
    const lockId = this.lockId("renew");
    const grant = await a.acquire(lockId, this.ttlMs);
    if (!grant) throw new Error("could not acquire a free lock");
    await sleep(5);
    if (!(await a.renew(lockId, grant.token, this.ttlMs))) throw new Error("renew with the holder's token changed no row");
    const [row] = await query<{ expires_at: string }>(
      this.admin,
      this.driver,
      "SELECT expires_at FROM scheduler_locks WHERE lock_id = ?",
      [lockId],
    );
    if (!row || Number(row.expires_at) < grant.expiresAt) throw new Error("renew did not move expires_at forward");
    if (await b.acquire(lockId, this.ttlMs)) throw new Error("another node acquired a lock that was just renewed");
    await a.release(lockId, grant.token);
    return `holder renewed (expires_at ${grant.expiresAt} → ${Number(row.expires_at)}); other nodes still refused`;
  }

  async fencing(): Promise<string> {
    const [a, b] = this.nodes as [SchedulerLocks, SchedulerLocks];
    const lockId = this.lockId("fence");
    const first = await a.acquire(lockId, this.ttlMs);
    if (!first) throw new Error("could not acquire a free lock");
    await a.release(lockId, first.token);
    const second = await b.acquire(lockId, this.ttlMs);
    if (!second) throw new Error("the next node could not acquire a released lock");
    if (await a.renew(lockId, first.token, this.ttlMs)) throw new Error("a stale token renewed a lock it no longer holds");
    if (await a.release(lockId, first.token)) throw new Error("a stale token released another node's lock");
    if ((await this.holder(lockId)) !== second.token) throw new Error("the current holder's row was changed by a stale token");
    await b.release(lockId, second.token);
    return "a stale token can neither renew nor release; the current holder keeps the lock";
  }

  async expiryTakeover(): Promise<string> {
    const [a, b] = this.nodes as [SchedulerLocks, SchedulerLocks];
    const lockId = this.lockId("expiry");
    const grant = await a.acquire(lockId, this.shortTtlMs);
    if (!grant) throw new Error("could not acquire a free lock");
    if (await b.acquire(lockId, this.shortTtlMs)) throw new Error("another node acquired a lock before it expired");
    await sleep(this.shortTtlMs + 50);
    const taken = await b.acquire(lockId, this.ttlMs);
    if (!taken) throw new Error(`an expired lock (TTL ${this.shortTtlMs} ms) was not taken over`);
    if (await a.renew(lockId, grant.token, this.ttlMs)) throw new Error("the previous holder renewed after takeover");
    await b.release(lockId, taken.token);
    return `a lock not renewed within its TTL (${this.shortTtlMs} ms) is taken over; the old holder's renew then fails`;
  }

  async release(): Promise<string> {
    const [a, b] = this.nodes as [SchedulerLocks, SchedulerLocks];
    const lockId = this.lockId("release");
    const grant = await a.acquire(lockId, this.ttlMs);
    if (!grant) throw new Error("could not acquire a free lock");
    if (!(await a.release(lockId, grant.token))) throw new Error("release by the holder deleted no row");
    if ((await this.holder(lockId)) !== undefined) throw new Error("the row is still there after release");
    if (await a.release(lockId, grant.token)) throw new Error("a second release reported success");
    const next = await b.acquire(lockId, this.ttlMs);
    if (!next) throw new Error("a released lock could not be acquired at once");
    await b.release(lockId, next.token);
    return "release deletes the row at once; the lock is immediately free for another node";
  }
}

async function check(name: string, fn: () => Promise<string>, secrets: (string | undefined)[]): Promise<SmokeCheck> {
  try {
    return { name, passed: true, detail: await fn() };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const base = name.split("@")[0]!;
    // Driver errors can quote a whole statement: keep the detail readable.
    const detail = redactSecrets(message, secrets);
    return {
      name,
      passed: false,
      detail: detail.length > 600 ? `${detail.slice(0, 300)} … ${detail.slice(-200)}` : detail,
      remedy: base === "connect" ? CONNECT_REMEDIES[classifyConnectError(err)] : SMOKE_REMEDIES[base],
    };
  }
}

/** A PostgreSQL pooler in transaction mode hands a released server connection to the next client. */
async function detectPoolMode(pooler: VisorConnection): Promise<string> {
  const [a, b] = [await openKnex(pooler, { pool: { min: 0, max: 1 } }), await openKnex(pooler, { pool: { min: 0, max: 1 } })];
  try {
    const pid = async (db: Knex) =>
      Number(((await db.raw("SELECT pg_backend_pid() AS pid")) as { rows: { pid: number }[] }).rows[0]!.pid);
    for (let i = 0; i < 20; i++) {
      const pa = await pid(a);
      // PgBouncer releases a server connection only after its reset query (server_reset_query_always):
      // give it a moment after the first tries, or B is handed another idle connection.
      if (i >= 2) await sleep(Math.min(5 * i, 50));
      const pb = await pid(b);
      if (pa === pb) return `two clients were served by the same server connection (pid ${pa}): transaction pooling`;
    }
    throw new Error("each client kept its own server connection over 20 transactions: the pooler runs in session mode");
  } finally {
    await Promise.all([a.destroy(), b.destroy()]);
  }
}

export async function runSmokeTest(options: SmokeTestOptions): Promise<SmokeReport> {
  const started = Date.now();
  const o = validate(options);
  const hostClock = options.hostClock ?? Date.now;
  const runId = randomUUID().slice(0, 8);
  const { driver } = resolveConnection(options.connection);
  const secrets = [
    options.connection.password,
    options.poolerConnection?.password,
    resolveConnection(options.connection).password,
  ];
  const checks: SmokeCheck[] = [];
  const report = (): SmokeReport => ({
    passed: checks.every((c) => c.passed),
    durationMs: Date.now() - started,
    driver,
    via: options.poolerConnection ? "direct+pooler" : "direct",
    isWriter: checks.find((c) => c.name === "writer")?.passed ?? false,
    clockSkewMs,
    runId,
    checks,
  });
  let clockSkewMs: number | undefined;
  const admin = await openKnex(options.connection, { pool: { min: 0, max: 1 } });
  const created: SchedulerLocks[] = [];
  const scenarios: LockScenario[] = [];
  const creatorId = `visor-db-smoke:${runId}`;
  const passed = (name: string) => checks.find((c) => c.name === name)?.passed === true;
  try {
    // An endpoint that does not answer is a network problem, not a replica: its own check and remedy.
    checks.push(
      await check(
        "connect",
        async () => `${driver} ${await serverVersion(admin, driver)} answered at ${describeEndpoint(options.connection)}`,
        secrets,
      ),
    );
    if (!passed("connect")) return report();
    checks.push(
      await check(
        "writer",
        async () => {
          const s = await writerStatus(admin, driver);
          if (!s.isWriter) throw new Error(s.detail);
          return s.detail;
        },
        secrets,
      ),
    );
    if (!passed("writer")) return report();
    checks.push(
      await check(
        "schema",
        async () => {
          const r = await inspectWith(admin, driver, await serverVersion(admin, driver));
          if (!r.valid)
            throw new Error(
              r.differences
                .filter((d) => d.severity !== "info")
                .map((d) => d.detail)
                .join("; "),
            );
          const missingIdx = r.differences.filter((d) => d.kind === "missing-index").length;
          const optional = r.differences.filter((d) => d.kind === "optional-column").map((d) => d.column);
          const notes = [
            missingIdx ? `${missingIdx} recommended index(es) missing` : "",
            optional.length ? `guide-only column(s) ${optional.join(", ")} absent: ${OPTIONAL_COLUMN_NOTE}` : "",
          ].filter(Boolean);
          return `schedules, scheduler_locks and message_triggers present with the columns Visor's SQL store uses${notes.length ? ` (${notes.join("; ")})` : ""}`;
        },
        secrets,
      ),
    );
    if (!passed("schema")) return report();
    checks.push(await check("row-roundtrip", () => rowRoundtrip(admin, driver, creatorId), secrets));
    const makeNodes = (conn: VisorConnection, label: string) =>
      Array.from({ length: o.nodes }, (_, i) => {
        const n = new SchedulerLocks(conn, { nodeId: `visor-db-smoke-${runId}-${label}-${i}`, clock: o.clock });
        created.push(n);
        return n;
      });
    const runLockChecks = async (conn: VisorConnection, label: string, suffix: string) => {
      const s = new LockScenario(makeNodes(conn, label), runId, label, o.lockTtlMs, o.shortTtlMs, o.rounds, admin, driver);
      scenarios.push(s);
      checks.push(await check(`mutual-exclusion${suffix}`, () => s.mutualExclusion(), secrets));
      checks.push(await check(`renewal${suffix}`, () => s.renewal(), secrets));
      checks.push(await check(`fencing${suffix}`, () => s.fencing(), secrets));
      checks.push(await check(`expiry-takeover${suffix}`, () => s.expiryTakeover(), secrets));
      checks.push(await check(`release${suffix}`, () => s.release(), secrets));
    };
    await runLockChecks(options.connection, "direct", "");
    checks.push(
      await check(
        "clock-skew",
        async () => {
          let best = { rtt: Infinity, skew: 0 };
          for (let i = 0; i < 3; i++) {
            const t0 = hostClock();
            const db = await databaseNowMs(admin, driver);
            const t1 = hostClock();
            if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, skew: db - (t0 + t1) / 2 };
          }
          clockSkewMs = Math.round(best.skew);
          const text = `database clock is ${clockSkewMs >= 0 ? "+" : ""}${clockSkewMs} ms vs this host (round trip ${best.rtt} ms), allowed ±${o.maxClockSkewMs} ms`;
          if (Math.abs(clockSkewMs) > o.maxClockSkewMs)
            throw new Error(`${text}: with skew near lock_ttl two Visor nodes can run the same schedule`);
          return text;
        },
        secrets,
      ),
    );
    checks.push(
      await check(
        "heartbeat-ratio",
        async () => {
          const limit = o.lockTtlMs / 3;
          const text = `heartbeat_interval ${o.heartbeatMs} ms vs lock_ttl ${o.lockTtlMs} ms (must be < ${Math.floor(limit)} ms)`;
          if (!(o.heartbeatMs < limit)) throw new Error(text);
          return text;
        },
        secrets,
      ),
    );
    if (options.poolerConnection) {
      const pooler = options.poolerConnection;
      const poolerDb = await openKnex(pooler, { pool: { min: 0, max: 1 } });
      try {
        checks.push(
          await check(
            "connect@pooler",
            async () => `the pooler answered at ${describeEndpoint(pooler)} (server ${await serverVersion(poolerDb, driver)})`,
            secrets,
          ),
        );
        if (passed("connect@pooler"))
          checks.push(
            await check(
              "writer@pooler",
              async () => {
                const s = await writerStatus(poolerDb, driver);
                if (!s.isWriter) throw new Error(`through the pooler: ${s.detail}`);
                return `through the pooler: ${s.detail}`;
              },
              secrets,
            ),
          );
      } finally {
        await poolerDb.destroy();
      }
      if (!passed("connect@pooler")) return report();
      if (resolveConnection(pooler).driver === "postgresql")
        checks.push(await check("pooler-mode", () => detectPoolMode(pooler), secrets));
      await runLockChecks(pooler, "pooler", "@pooler");
    }
    return report();
  } finally {
    await Promise.all(created.map((n) => n.close().catch(() => undefined)));
    const ids = scenarios.flatMap((s) => [...s.lockIds]);
    try {
      if (ids.length) await admin("scheduler_locks").whereIn("lock_id", ids).delete();
      if (checks.some((c) => c.name === "row-roundtrip")) await admin("schedules").where("creator_id", creatorId).delete();
    } catch {
      /* cleanup is best effort: a failed check has already been reported */
    }
    await admin.destroy();
  }
}

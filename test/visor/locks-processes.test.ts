// Lock safety with real processes through PgBouncer in transaction mode (server_reset_query_always = 1,
// so any reliance on session state would fail): a test-side checker sees every grant and release and
// proves there are never two holders; connections are killed mid-operation; a paused holder is taken over.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { bootstrapSchema, SchedulerLocks } from "../../components";
import { startPgBouncer } from "../../scripts/local-env/pgbouncer";
import { need, scratchDatabase, servers } from "../support/servers";
import { findPgBouncer } from "../../scripts/local-env/pgbouncer";

const WORKER = join(__dirname, "fixtures", "lock-worker.ts");

interface Pooled {
  url: string;
  database: string;
  stop(): Promise<void>;
}

/** A scratch database behind its own PgBouncer (transaction mode, reset query always). */
async function pooledScratch(): Promise<Pooled> {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "pool");
  const admin = new Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  const verifier = (await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'visor'")).rows[0].rolpassword as string;
  await admin.end();
  const bouncer = await startPgBouncer({
    upstreamHost: db.host,
    upstreamPort: db.port,
    databases: [db.database],
    users: [{ name: "visor", verifier }],
    poolMode: "transaction",
    serverResetQueryAlways: true,
    defaultPoolSize: 4,
    probe: { user: "visor", password: db.password, database: db.database },
  });
  const url = `postgresql://visor:${encodeURIComponent(db.password)}@${bouncer.host}:${bouncer.port}/${db.database}`;
  await bootstrapSchema({ url });
  return { url, database: db.database, stop: () => bouncer.stop() };
}

interface Violation {
  lockId: string;
  holder: string;
  intruder: string;
}

/** Runs worker processes and checks every grant against the current holder of the lock. */
async function raceWorkers(
  url: string,
  opts: {
    workers: number;
    ops: number;
    clock: "node" | "database";
    lockIds: string[];
    ttlMs: number;
    broken?: boolean;
    holdMs?: number;
  },
) {
  const holders = new Map<string, string>();
  const violations: Violation[] = [];
  const history: { type: string; lockId: string; nodeId: string }[] = [];
  const stats: Record<string, number>[] = [];
  const children: ChildProcess[] = [];
  const finished = Array.from({ length: opts.workers }, (_, i) => {
    const child = fork(WORKER, [], {
      execArgv: ["--import", "tsx"],
      env: {
        ...process.env,
        LOCK_WORKER_JOB: JSON.stringify({
          mode: "race",
          url,
          nodeId: `w${i}`,
          clock: opts.clock,
          lockIds: opts.lockIds,
          ops: opts.ops,
          ttlMs: opts.ttlMs,
          broken: opts.broken,
          holdMs: opts.holdMs,
        }),
      },
    });
    children.push(child);
    return new Promise<void>((resolve, reject) => {
      child.on(
        "message",
        (m: {
          type: string;
          lockId: string;
          token: string;
          nodeId: string;
          stats?: Record<string, number>;
          message?: string;
        }) => {
          if (m.type === "done") {
            stats.push(m.stats!);
            return;
          }
          if (m.type === "error") return reject(new Error(m.message));
          history.push({ type: m.type, lockId: m.lockId, nodeId: m.nodeId });
          if (m.type === "acquired") {
            const current = holders.get(m.lockId);
            if (current) violations.push({ lockId: m.lockId, holder: current, intruder: m.nodeId });
            holders.set(m.lockId, m.nodeId);
          } else if (m.type === "releasing" && holders.get(m.lockId) === m.nodeId) {
            holders.delete(m.lockId);
          }
          child.send("ack");
        },
      );
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker ${i} exited with ${code}`))));
    });
  });
  try {
    await Promise.all(finished);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  }
  const total = (k: string) => stats.reduce((a, s) => a + (s[k] ?? 0), 0);
  return { violations, history, grants: total("grants"), refusals: total("refusals"), errors: total("errors") };
}

for (const clock of ["node", "database"] as const) {
  test(`${clock} clock: 4 node processes × 250 operations through PgBouncer never hold one lock twice`, async (t) => {
    if (!need(t, findPgBouncer(), "pgbouncer")) return;
    const pooled = await pooledScratch();
    try {
      const lockIds = [0, 1, 2].map((i) => `race:${randomUUID()}:${i}`);
      const r = await raceWorkers(pooled.url, { workers: 4, ops: 250, clock, lockIds, ttlMs: 30_000 });
      assert.deepEqual(r.violations, []);
      assert.equal(r.errors, 0);
      assert.equal(r.grants + r.refusals, 1000, "every operation was answered");
      assert.ok(r.grants >= 100, `contention still makes progress (${r.grants} grants)`);
      assert.equal(r.history.filter((h) => h.type === "acquired").length, r.grants);
    } finally {
      await pooled.stop();
    }
  });
}

test("negative control: the checker catches a protocol that ignores expiry", async (t) => {
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  const pooled = await pooledScratch();
  try {
    const r = await raceWorkers(pooled.url, {
      workers: 3,
      ops: 20,
      clock: "node",
      lockIds: [`broken:${randomUUID()}`],
      ttlMs: 30_000,
      broken: true,
      // Holders keep the lock a while, so a steal lands while someone holds it.
      holdMs: 40,
    });
    assert.ok(r.violations.length > 0, "a lock without the expiry condition is double-granted and the checker sees it");
  } finally {
    await pooled.stop();
  }
});

test("server connections killed mid-operation (pg_terminate_backend) never produce two holders", async (t) => {
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  const { postgres } = await servers();
  const pooled = await pooledScratch();
  const admin = new Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  let killed = 0;
  let stop = false;
  const killer = (async () => {
    while (!stop) {
      const r = await admin.query(
        "SELECT count(pg_terminate_backend(pid))::int n FROM pg_stat_activity WHERE datname = $1 AND usename = 'visor' AND pid <> pg_backend_pid()",
        [pooled.database],
      );
      killed += r.rows[0].n;
      await new Promise((res) => setTimeout(res, 40));
    }
  })();
  try {
    const lockIds = [0, 1].map((i) => `kill:${randomUUID()}:${i}`);
    // A short TTL: a grant whose reply was lost with its connection frees itself quickly.
    const r = await raceWorkers(pooled.url, { workers: 4, ops: 150, clock: "node", lockIds, ttlMs: 1500 });
    assert.deepEqual(r.violations, []);
    assert.ok(killed > 0, "connections were really terminated");
    assert.ok(r.grants > 0);
  } finally {
    stop = true;
    await killer;
    await admin.end();
    await pooled.stop();
  }
});

test("a holder paused with SIGSTOP past its TTL is taken over, and its renew then fails", async (t) => {
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  const pooled = await pooledScratch();
  const lockId = `stop:${randomUUID()}`;
  const child = fork(WORKER, [], {
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      LOCK_WORKER_JOB: JSON.stringify({
        mode: "hold",
        url: pooled.url,
        nodeId: "paused",
        clock: "node",
        lockIds: [lockId],
        ops: 1,
        ttlMs: 1000,
      }),
    },
  });
  const other = new SchedulerLocks({ url: pooled.url }, { nodeId: "other" });
  try {
    const acquired = await new Promise<{ token?: string }>((resolve) => child.once("message", resolve));
    assert.ok(acquired.token, "the worker holds the lock");
    child.kill("SIGSTOP");
    assert.equal(await other.acquire(lockId, 60_000), null, "held while the TTL runs");
    await new Promise((r) => setTimeout(r, 1300));
    const taken = await other.acquire(lockId, 60_000);
    assert.ok(taken, "taken over after the TTL");
    const done = new Promise<{ renewed: boolean; released: boolean }>((resolve) =>
      child.on("message", (m: { type: string; renewed: boolean; released: boolean }) => m.type === "done" && resolve(m)),
    );
    child.kill("SIGCONT");
    child.send("ack");
    const result = await done;
    assert.equal(result.renewed, false, "the paused node's renew fails: it must stop its job");
    assert.equal(result.released, false, "and it cannot release the new holder's lock");
    assert.equal(await other.renew(lockId, taken.token, 60_000), true);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await other.close();
    await pooled.stop();
  }
});

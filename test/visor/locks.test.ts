// Visor's lock protocol (clock "node") and our atomic variant (clock "database") on PostgreSQL (every
// major) and MariaDB: grant, refusal, renewal, fencing, expiry takeover, release; clock-skew hazard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { bootstrapSchema, runSmokeTest, SchedulerLocks, type VisorConnection } from "../../components";
import { need, postgresMajors, scratchDatabase, servers } from "../support/servers";
import { scratchMariaDb } from "../support/mariadb";

async function targets(): Promise<{ label: string; conn: VisorConnection }[]> {
  const out: { label: string; conn: VisorConnection }[] = [];
  for (const pg of await postgresMajors()) {
    const db = await scratchDatabase(pg, "locks");
    out.push({ label: `PostgreSQL ${pg.major}`, conn: { url: db.url } });
  }
  const { mariadb } = await servers();
  if (mariadb) out.push({ label: "MariaDB", conn: { url: (await scratchMariaDb(mariadb)).url } });
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("the protocol on every server and both clocks: grant, refusal, renew, fencing, expiry takeover, release", async () => {
  for (const { label, conn } of await targets()) {
    await bootstrapSchema(conn);
    for (const clock of ["node", "database"] as const) {
      const what = `${label}, clock ${clock}`;
      const a = new SchedulerLocks(conn, { nodeId: "a", clock });
      const b = new SchedulerLocks(conn, { nodeId: "b", clock });
      try {
        const lock = `test:${clock}:${randomUUID()}`;
        const g1 = await a.acquire(lock, 60_000);
        assert.ok(g1, what);
        assert.ok(g1.expiresAt - g1.acquiredAt === 60_000, what);
        assert.equal(await b.acquire(lock, 60_000), null, `${what}: held lock refused`);
        assert.equal(await a.renew(lock, g1.token, 60_000), true, what);
        assert.equal(await b.renew(lock, randomUUID(), 60_000), false, `${what}: foreign token cannot renew`);
        assert.equal(await b.release(lock, randomUUID()), false, `${what}: foreign token cannot release`);
        assert.equal(await a.release(lock, g1.token), true, what);
        assert.equal(await a.release(lock, g1.token), false, `${what}: second release`);
        const g2 = await b.acquire(lock, 200);
        assert.ok(g2, `${what}: free after release`);
        assert.equal(await a.acquire(lock, 200), null, what);
        await sleep(400);
        const g3 = await a.acquire(lock, 60_000);
        assert.ok(g3, `${what}: expired lock taken over`);
        assert.notEqual(g3.token, g2.token);
        assert.equal(await b.renew(lock, g2.token, 60_000), false, `${what}: lost lock cannot be renewed`);
        assert.equal(await b.release(lock, g2.token), false, `${what}: lost lock cannot be released`);
        assert.equal(await a.release(lock, g3.token), true, what);
      } finally {
        await a.close();
        await b.close();
      }
    }
  }
});

test("rows written by either clock are Visor's rows: epoch-ms BIGINTs, UUID tokens, node ids", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "rowshape");
  await bootstrapSchema({ url: db.url });
  const { default: knex } = await import("knex");
  const k = knex({ client: "pg", connection: db.url });
  try {
    for (const clock of ["node", "database"] as const) {
      const locks = new SchedulerLocks({ url: db.url }, { nodeId: `node-${clock}`, clock });
      const before = Date.now();
      const g = await locks.acquire(`__static_cron__:${clock}`, 60_000);
      const after = Date.now();
      const [row] = await k("scheduler_locks").where({ lock_id: `__static_cron__:${clock}` });
      assert.equal(row.node_id, `node-${clock}`);
      assert.match(row.lock_token, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(row.lock_token, g!.token);
      assert.ok(Number(row.acquired_at) >= before - 1000 && Number(row.acquired_at) <= after + 1000, `${clock}: epoch ms`);
      assert.equal(Number(row.expires_at) - Number(row.acquired_at), 60_000);
      await locks.close();
    }
  } finally {
    await k.destroy();
  }
});

test("errors other than a duplicate key are raised, not read as 'not acquired'", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "noschema");
  for (const clock of ["node", "database"] as const) {
    const locks = new SchedulerLocks({ url: db.url }, { nodeId: "n", clock });
    await assert.rejects(locks.acquire("x", 1000), /scheduler_locks/);
    await locks.close();
  }
});

test("clock skew: with Visor's node clock a node ahead by more than the TTL double-grants; the database clock does not", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "skew");
  await bootstrapSchema({ url: db.url });
  const ttl = 10_000;
  const skew = ttl + 5_000;
  const honest = new SchedulerLocks({ url: db.url }, { nodeId: "honest" });
  const ahead = new SchedulerLocks({ url: db.url }, { nodeId: "ahead", now: () => Date.now() + skew });
  const honestDb = new SchedulerLocks({ url: db.url }, { nodeId: "honest", clock: "database" });
  const aheadDb = new SchedulerLocks({ url: db.url }, { nodeId: "ahead", clock: "database", now: () => Date.now() + skew });
  try {
    const held = await honest.acquire("skew:node", ttl);
    assert.ok(held);
    // The hazard Visor suffers: the lock is still valid, yet the skewed node takes it over.
    const stolen = await ahead.acquire("skew:node", ttl);
    assert.ok(stolen, "node clock: the node ahead of time acquired a lock that is still held");
    assert.equal(await honest.renew("skew:node", held.token, ttl), false, "and the rightful holder then loses it");

    const heldDb = await honestDb.acquire("skew:db", ttl);
    assert.ok(heldDb);
    assert.equal(await aheadDb.acquire("skew:db", ttl), null, "database clock: skew changes nothing");
    assert.equal(await honestDb.renew("skew:db", heldDb.token, ttl), true);
  } finally {
    await Promise.all([honest, ahead, honestDb, aheadDb].map((l) => l.close()));
  }
});

test("the smoke test's clock-skew check flags such skew, with NTP as the remedy", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "skewsmoke");
  await bootstrapSchema({ url: db.url });
  const ok = await runSmokeTest({ connection: { url: db.url } });
  assert.equal(ok.checks.find((c) => c.name === "clock-skew")!.passed, true);
  const skewed = await runSmokeTest({ connection: { url: db.url }, lockTtlMs: 60_000, hostClock: () => Date.now() + 75_000 });
  const check = skewed.checks.find((c) => c.name === "clock-skew")!;
  assert.equal(check.passed, false);
  assert.match(check.detail, /database clock is -7\d{4} ms vs this host/);
  assert.match(check.remedy!, /NTP/);
  assert.equal(skewed.passed, false);
  assert.ok(skewed.clockSkewMs! < -70_000);
});

test("MariaDB: the atomic variant's ON DUPLICATE KEY UPDATE keeps a held lock", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  await bootstrapSchema({ url: db.url });
  const nodes = Array.from({ length: 6 }, (_, i) => new SchedulerLocks({ url: db.url }, { nodeId: `m${i}`, clock: "database" }));
  try {
    for (let round = 0; round < 10; round++) {
      const grants = await Promise.all(nodes.map((n) => n.acquire(`race:${round}`, 60_000)));
      assert.equal(grants.filter(Boolean).length, 1, `round ${round}`);
    }
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
  }
});

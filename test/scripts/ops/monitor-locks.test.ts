// `visor-db monitor` when it matters most (issue 13 items 5, 7): another session holds ACCESS EXCLUSIVE on
// schedules and a third waits behind it — monitor answers anyway, says what it could not read and who holds
// the lock, and lists the waiting session; pg_stat_statements created in another schema is read there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { bootstrapSchema } from "../../../components/visor/bootstrap";
import { openKnex } from "../../../components/visor/connection";
import { monitorSnapshot } from "../../../scripts/ops/monitor";
import { runCli } from "../../support/cli";
import { scratchMariaDb } from "../../support/mariadb";
import { need, pgQuery, postgresMajors, scratchDatabase, servers } from "../../support/servers";
import { seed } from "./fixtures";

test("monitor does not wait behind ACCESS EXCLUSIVE on schedules, and lists the session that does (PostgreSQL 15 and 18)", async () => {
  for (const pg of await postgresMajors()) {
    const db = await scratchDatabase(pg, "monlock");
    await bootstrapSchema({ url: db.url });
    await seed(db.url, 20, 4);
    const holder = new Client({ connectionString: db.url });
    const waiter = new Client({ connectionString: db.url });
    await Promise.all([holder.connect(), waiter.connect()]);
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE schedules IN ACCESS EXCLUSIVE MODE");
      const holderPid = (await holder.query("SELECT pg_backend_pid() AS p")).rows[0].p as number;
      const waiterPid = (await waiter.query("SELECT pg_backend_pid() AS p")).rows[0].p as number;
      const waiting = waiter.query("SELECT count(*) FROM schedules");
      // The waiter is queued before monitor starts.
      for (let i = 0; i < 100; i++) {
        const [row] = await pgQuery<{ n: string }>(
          pg.adminUrl,
          "SELECT count(*) AS n FROM pg_locks WHERE pid = $1 AND NOT granted",
          [waiterPid],
        );
        if (Number(row!.n)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // The lock is released only after monitor has answered: a monitor that waits for it times out here.
      const started = Date.now();
      const res = await runCli(["monitor", "--url", db.url, "--json", "--fail-on-findings"], {}, 30_000);
      const tookMs = Date.now() - started;
      assert.equal(res.code, 3, res.stdout + res.stderr);
      const snap = JSON.parse(res.stdout);
      const waiterLock = snap.waitingLocks.find((w: { pid: number }) => w.pid === waiterPid);
      assert.ok(waiterLock, `PostgreSQL ${pg.major}: the waiting session is listed: ${JSON.stringify(snap.waitingLocks)}`);
      assert.deepEqual(waiterLock.blockedBy, [holderPid]);
      assert.match(waiterLock.detail, /AccessShareLock \(relation on schedules\)/);
      assert.ok(
        snap.unreadable.some((u: string) =>
          new RegExp(
            `^claimed schedules: no lock on schedules within 1000 ms \\(held by pid ${holderPid} \\(AccessExclusiveLock\\)`,
          ).test(u),
        ),
        JSON.stringify(snap.unreadable),
      );
      assert.ok(
        snap.unreadable.some((u: string) => /^size of schedules: /.test(u)),
        JSON.stringify(snap.unreadable),
      );
      const schedules = snap.tables.find((t: { name: string }) => t.name === "schedules");
      assert.equal(schedules.bytes, undefined, "size not read");
      assert.ok(snap.tables.find((t: { name: string }) => t.name === "scheduler_locks").bytes > 0, "other tables still read");
      assert.equal(snap.staleLocks.count, 3, "scheduler_locks is not locked: read as usual");
      assert.ok(snap.findings.some((f: string) => /lock request\(s\) waiting/.test(f)));
      assert.ok(tookMs < 20_000, `answered in ${tookMs} ms`);

      const human = await runCli(["monitor", "--url", db.url], {}, 30_000);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^tables: .*schedules size unreadable/m);
      assert.match(
        human.stdout,
        new RegExp(`^unreadable: claimed schedules: no lock on schedules within 1000 ms \\(held by pid ${holderPid}`, "m"),
      );
      assert.match(human.stdout, new RegExp(`^ {2}pid ${waiterPid} waits for AccessShareLock \\(relation on schedules\\)`, "m"));
      await holder.query("ROLLBACK");
      await waiting;
    } finally {
      await Promise.all([holder.end(), waiter.end()]);
    }
  }
});

test("pg_stat_statements created in another schema: monitor reads it there (no preload hint)", async (t) => {
  const [pg] = await postgresMajors();
  const db = await scratchDatabase(pg!, "pgss");
  await bootstrapSchema({ url: db.url });
  const admin = pg!.adminUrl.replace(/\/postgres$/, `/${db.database}`);
  const [available] = await pgQuery(pg!.adminUrl, "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements'");
  const [preloaded] = await pgQuery<{ s: string }>(pg!.adminUrl, "SELECT current_setting('shared_preload_libraries') AS s");
  if (!need(t, available && /pg_stat_statements/.test(preloaded!.s) ? true : undefined, "pg_stat_statements preloaded")) return;
  await pgQuery(admin, "CREATE SCHEMA monitoring");
  await pgQuery(admin, "CREATE EXTENSION pg_stat_statements SCHEMA monitoring");
  await pgQuery(admin, "GRANT USAGE ON SCHEMA monitoring TO visor");
  await pgQuery(db.url, "SELECT count(*) FROM schedules");
  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    const snap = await monitorSnapshot(k, "postgresql");
    assert.ok(snap.slowStatements !== null, JSON.stringify(snap.hints));
    assert.ok(snap.slowStatements.length > 0, "statements of this database are listed");
    assert.deepEqual(
      snap.hints.filter((h) => /pg_stat_statements/.test(h)),
      [],
      "no hint: it is installed and readable",
    );
    // Without USAGE on that schema the hint names the schema and the grant, not shared_preload_libraries.
    await pgQuery(admin, "REVOKE USAGE ON SCHEMA monitoring FROM visor");
    const denied = await monitorSnapshot(k, "postgresql");
    assert.equal(denied.slowStatements, null);
    const hint = denied.hints.find((h) => /pg_stat_statements/.test(h))!;
    assert.match(hint, /^pg_stat_statements is installed in schema monitoring but monitoring\.pg_stat_statements cannot be read/);
    assert.match(hint, /GRANT USAGE ON SCHEMA monitoring/);
    assert.doesNotMatch(hint, /shared_preload_libraries/);
  } finally {
    await k.destroy();
  }
});

test("MariaDB: monitor does not wait behind LOCK TABLES schedules WRITE; it says what it could not read", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  await bootstrapSchema({ url: db.url });
  await seed(db.url, 10, 4);
  await db.admin.query(`USE ${db.database}`);
  await db.admin.query("LOCK TABLES schedules WRITE");
  try {
    const started = Date.now();
    const res = await runCli(["monitor", "--url", db.url, "--json"], {}, 30_000);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    const snap = JSON.parse(res.stdout);
    assert.deepEqual(snap.unreadable, ["claimed schedules: no lock on schedules within 1000 ms"]);
    assert.equal(snap.staleLocks.count, 3, "scheduler_locks is not locked: read as usual");
    assert.ok(Date.now() - started < 20_000);
  } finally {
    await db.admin.query("UNLOCK TABLES");
  }
});

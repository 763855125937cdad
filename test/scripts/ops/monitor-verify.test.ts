// `visor-db monitor` and `visor-db verify` against real servers: stale locks, stuck claims and a real lock
// wait are found; pg_stat_statements' absence is a hint; verify gives one PASS/FAIL line per check and
// fails on a replica, a missing schema, expired locks and JSON that does not parse.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { bootstrapSchema } from "../../../components/visor/bootstrap";
import { openKnex } from "../../../components/visor/connection";
import { monitorSnapshot } from "../../../scripts/ops/monitor";
import { verifyDatabase } from "../../../scripts/ops/verify";
import { runCli } from "../../support/cli";
import { scratchMariaDb } from "../../support/mariadb";
import { need, scratchDatabase, servers } from "../../support/servers";
import { failureLines, seed } from "./fixtures";
import { seedTriggers } from "./trigger-fixtures";

test("monitor on PostgreSQL: connections, sizes, a waiting lock with its blocker, stale locks, stuck claims, the pg_stat_statements hint", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "mon");
  await bootstrapSchema({ url: db.url });
  await seed(db.url, 2001, 6); // rows 1 and 1001 are claimed an hour ago; locks 0-2 expired
  const holder = new Client({ connectionString: db.url });
  const waiter = new Client({ connectionString: db.url });
  await Promise.all([holder.connect(), waiter.connect()]);
  try {
    await holder.query("BEGIN");
    await holder.query("UPDATE scheduler_locks SET node_id = 'holder' WHERE lock_id = '__static_cron__:job-3'");
    const blocked = waiter.query("UPDATE scheduler_locks SET node_id = 'waiter' WHERE lock_id = '__static_cron__:job-3'");
    const holderPid = (await holder.query("SELECT pg_backend_pid() AS p")).rows[0].p as number;
    let res = await runCli(["monitor", "--url", db.url, "--json", "--fail-on-findings"]);
    for (let i = 0; i < 5 && res.code === 3 && !JSON.parse(res.stdout).waitingLocks.length; i++)
      res = await runCli(["monitor", "--url", db.url, "--json", "--fail-on-findings"]);
    assert.equal(res.code, 3, res.stderr);
    const snap = JSON.parse(res.stdout);
    assert.ok(snap.connections.total >= 2, JSON.stringify(snap.connections));
    assert.deepEqual(snap.tables.map((t: { name: string }) => t.name).sort(), [
      "message_triggers",
      "scheduler_locks",
      "schedules",
    ]);
    assert.equal(snap.waitingLocks.length, 1, JSON.stringify(snap.waitingLocks));
    assert.deepEqual(snap.waitingLocks[0].blockedBy, [holderPid]);
    assert.match(snap.waitingLocks[0].query, /SET node_id = 'waiter'/);
    assert.equal(snap.staleLocks.count, 3);
    assert.equal(snap.stuckClaims.count, 2);
    assert.deepEqual(snap.stuckClaims.rows.map((r: { claimed_by: string }) => r.claimed_by).sort(), ["node-1", "node-1001"]);
    assert.equal(snap.findings.length, 3);
    assert.ok(
      snap.hints.some((h: string) =>
        /pg_stat_statements is not installed: add shared_preload_libraries = 'pg_stat_statements'/.test(h),
      ),
      JSON.stringify(snap.hints),
    );
    await holder.query("ROLLBACK");
    await blocked;
  } finally {
    await Promise.all([holder.end(), waiter.end()]);
  }

  const human = await runCli(["monitor", "--url", db.url, "--stuck-after-ms", "7200000"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^connections: \d+/m);
  assert.match(human.stdout, /^tables: .*schedules .*\(~\d+ rows\)/m);
  assert.match(human.stdout, /^waiting locks: none$/m);
  assert.match(human.stdout, /^stale scheduler_locks: 3$/m);
  assert.match(human.stdout, /^ {2}__static_cron__:job-1 \(node visor-node-1\) expired \d/m);
  assert.match(human.stdout, /^schedules claimed > 2\.0 h: 0$/m, "an hour-old claim is not stuck at a 2 h threshold");
  assert.match(human.stdout, /^hint: pg_stat_statements is not installed/m);
  assert.match(human.stdout, /^! 3 expired scheduler_locks row\(s\)/m);

  const watch = await runCli(["monitor", "--url", db.url, "--watch", "--interval", "1", "--count", "2", "--json"]);
  assert.equal(watch.code, 0, watch.stderr);
  const lines = watch.stdout.trim().split("\n");
  assert.equal(lines.length, 2, "one JSON object per refresh");
  assert.ok(JSON.parse(lines[1]!).databaseNowMs > JSON.parse(lines[0]!).databaseNowMs);
});

test("verify: one PASS/FAIL per check; expired locks and bad JSON fail, --allow-stale-locks passes them", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "ver");
  await bootstrapSchema({ url: db.url });
  await seed(db.url, 40, 5);
  await seedTriggers(db.url, 7);
  const ok = await runCli(["verify", "--url", db.url, "--allow-stale-locks"]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const lines = ok.stdout.trim().split("\n");
  assert.match(lines[0]!, /^verify postgresql:\/\/visor@.* \(\d+ ms\)$/);
  assert.deepEqual(
    lines.slice(1, -1).map((l) => l.split(":")[0]),
    ["PASS connect", "PASS writer", "PASS schema", "PASS counts", "PASS json-columns", "PASS stale-locks", "PASS smoke"],
  );
  assert.match(ok.stdout, /^PASS counts: schedules 40, scheduler_locks 5, message_triggers 7$/m);
  assert.match(
    ok.stdout,
    /^PASS json-columns: \d+ value\(s\) of schedules\.\{workflow_inputs, output_context\}, message_triggers\.\{channels, from_users, inputs, output_context\} parse as JSON$/m,
  );
  assert.match(ok.stdout, /^PASS stale-locks: 3 expired lock\(s\), allowed/m);
  assert.equal(lines.at(-1), "VERIFIED");

  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    await k("schedules").where({ id: "00000000-0000-4000-8000-000000000002" }).update({ output_context: "{truncated" });
    await k("message_triggers").where({ id: "10000000-0000-4000-8000-000000000003" }).update({ channels: "[C1," });
  } finally {
    await k.destroy();
  }
  const bad = await runCli(["verify", "--url", db.url, "--skip-smoke", "--json"]);
  assert.equal(bad.code, 1);
  const report = JSON.parse(bad.stdout);
  assert.equal(report.passed, false);
  const byName = Object.fromEntries(report.checks.map((c: { name: string }) => [c.name, c]));
  assert.equal(byName.writer.passed, true);
  assert.equal(byName["json-columns"].passed, false);
  assert.match(
    byName["json-columns"].detail,
    /2 value\(s\) are not valid JSON: 00000000-0000-4000-8000-000000000002\.output_context, message_triggers 10000000-0000-4000-8000-000000000003\.channels/,
  );
  assert.equal(byName["stale-locks"].passed, false);
  assert.match(byName["stale-locks"].remedy, /taken over on the next acquire/);
  assert.equal(byName.smoke, undefined, "--skip-smoke");
  assert.deepEqual(failureLines(bad.stderr), [
    "visor-db: verify: FAILED json-columns, stale-locks: 2 value(s) are not valid JSON: 00000000-0000-4000-8000-000000000002.output_context, message_triggers 10000000-0000-4000-8000-000000000003.channels",
  ]);
});

test("verify fails a database without Visor's schema, a replica, and an unreachable server", async (t) => {
  const { postgres } = await servers();
  const empty = await scratchDatabase(postgres, "empty");
  const r = await verifyDatabase({ connection: { url: empty.url }, smoke: false });
  assert.equal(r.passed, false);
  assert.deepEqual(
    r.checks.map((c) => `${c.passed ? "PASS" : "FAIL"} ${c.name}`),
    ["PASS connect", "PASS writer", "FAIL schema", "FAIL counts"],
  );
  assert.match(r.checks[2]!.detail, /table schedules does not exist/);
  assert.match(
    r.checks[3]!.detail,
    /^schedules does not exist; scheduler_locks does not exist; message_triggers does not exist$/,
  );

  const down = await verifyDatabase({ connection: { url: "postgresql://visor:pw-secret@127.0.0.1:1/visor" } });
  assert.deepEqual(
    down.checks.map((c) => [c.name, c.passed]),
    [["connect", false]],
  );
  assert.match(down.checks[0]!.detail, /ECONNREFUSED/);
  assert.match(down.checks[0]!.remedy!, /check --url/);

  if (!need(t, postgres.reader, "replica")) return;
  await bootstrapSchema({ url: postgres.writer.url });
  const replica = await verifyDatabase({ connection: { url: postgres.reader!.url }, smoke: false, allowStaleLocks: true });
  const writer = replica.checks.find((c) => c.name === "writer")!;
  assert.equal(writer.passed, false);
  assert.match(writer.detail, /read replica/);
  assert.match(writer.remedy!, /primary\/writer endpoint/);
});

test("monitor and verify on MariaDB", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  await bootstrapSchema({ url: db.url });
  await seed(db.url, 1002, 4);
  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    const snap = await monitorSnapshot(k, "mysql");
    assert.ok(snap.connections.total >= 1);
    assert.deepEqual(snap.tables.map((x) => x.name).sort(), ["message_triggers", "scheduler_locks", "schedules"]);
    assert.equal(snap.staleLocks.count, 3);
    assert.equal(snap.stuckClaims.count, 2);
    // Lock waits need PROCESS and slow statements need performance_schema: either data or a hint that says so.
    assert.ok(snap.waitingLocks !== null || snap.hints.some((h) => /lock waits unavailable/.test(h)), JSON.stringify(snap.hints));
    assert.ok(snap.slowStatements !== null || snap.hints.some((h) => /performance_schema/.test(h)), JSON.stringify(snap.hints));
  } finally {
    await k.destroy();
  }
  const v = await runCli(["verify", "--url", db.url, "--allow-stale-locks", "--json"]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  const report = JSON.parse(v.stdout);
  assert.deepEqual(report.counts, { schedules: 1002, scheduler_locks: 4, message_triggers: 0 });
  assert.equal(report.checks.find((c: { name: string }) => c.name === "smoke").passed, true);
});

// The HA smoke test against real endpoints: passes on the writer directly and through PgBouncer, on
// every PostgreSQL major and on MariaDB; refuses a replica and a session-mode pooler with the remedy;
// touches only its own rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { Client } from "pg";
import { bootstrapSchema, runSmokeTest } from "../../components";
import { startPgBouncer, findPgBouncer } from "../../scripts/local-env/pgbouncer";
import { need, postgresMajors, scratchDatabase, servers } from "../support/servers";
import { scratchMariaDb } from "../support/mariadb";
import { runCli } from "../support/cli";

const LOCK_CHECKS = ["mutual-exclusion", "renewal", "fencing", "expiry-takeover", "release"];

test("passes on the writer of every PostgreSQL major, with every named check", async () => {
  for (const pg of await postgresMajors()) {
    const db = await scratchDatabase(pg, "smoke");
    await bootstrapSchema({ url: db.url });
    const report = await runSmokeTest({ connection: { url: db.url } });
    assert.equal(report.passed, true, JSON.stringify(report.checks.filter((c) => !c.passed)));
    assert.deepEqual(
      report.checks.map((c) => c.name),
      ["connect", "writer", "schema", "row-roundtrip", ...LOCK_CHECKS, "clock-skew", "heartbeat-ratio"],
    );
    assert.equal(report.via, "direct");
    assert.equal(report.isWriter, true);
  }
});

test("passes directly and through PgBouncer in transaction mode, and leaves Visor's rows untouched", async (t) => {
  const { postgres } = await servers();
  if (!need(t, postgres.pooler, "PgBouncer")) return;
  await bootstrapSchema({ url: postgres.writer.url });
  const c = new Client({ connectionString: postgres.writer.url });
  await c.connect();
  try {
    // Rows a running Visor would own.
    const visorLock = `__static_cron__:nightly-${Date.now()}`;
    await c.query(
      "INSERT INTO scheduler_locks VALUES ($1, 'visor-1', '11111111-1111-4111-8111-111111111111', 1, 9999999999999)",
      [visorLock],
    );
    const snapshot = async () =>
      (await c.query("SELECT md5(coalesce(string_agg(l::text, '|' ORDER BY lock_id), '')) h FROM scheduler_locks l")).rows[0].h;
    const schedules = async () => (await c.query("SELECT count(*)::int n FROM schedules")).rows[0].n;
    const [locksBefore, schedulesBefore] = [await snapshot(), await schedules()];
    const report = await runSmokeTest({
      connection: { url: postgres.writer.url },
      poolerConnection: { url: postgres.pooler!.url },
    });
    assert.equal(report.passed, true, JSON.stringify(report.checks.filter((x) => !x.passed)));
    assert.equal(report.via, "direct+pooler");
    for (const name of ["writer@pooler", "pooler-mode", ...LOCK_CHECKS.map((n) => `${n}@pooler`)]) {
      assert.equal(report.checks.find((x) => x.name === name)?.passed, true, name);
    }
    assert.equal(await snapshot(), locksBefore, "scheduler_locks exactly as before");
    assert.equal(await schedules(), schedulesBefore);
    await c.query("DELETE FROM scheduler_locks WHERE lock_id = $1", [visorLock]);
  } finally {
    await c.end();
  }
});

test("a replica endpoint fails `writer` with a message that says to use the writer endpoint", async (t) => {
  const { postgres } = await servers();
  if (!need(t, postgres.reader, "replica")) return;
  await bootstrapSchema({ url: postgres.writer.url });
  const report = await runSmokeTest({ connection: { url: postgres.reader!.url } });
  assert.equal(report.passed, false);
  assert.equal(report.isWriter, false);
  const [connect, writer] = report.checks;
  assert.equal(connect!.name, "connect");
  assert.equal(connect!.passed, true, "a replica answers: it is not a connection failure");
  assert.equal(writer!.name, "writer");
  assert.match(writer!.detail, /pg_is_in_recovery\(\) is true: this endpoint is a read replica/);
  assert.match(writer!.remedy!, /writer endpoint/);
  assert.equal(report.checks.length, 2, "nothing is written to a replica");
});

test("a PgBouncer in session mode fails `pooler-mode` with the remedy; transaction mode passes", async (t) => {
  const { postgres } = await servers();
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  await bootstrapSchema({ url: postgres.writer.url });
  const admin = new Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  const verifier = (await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'visor'")).rows[0].rolpassword;
  await admin.end();
  const w = postgres.writer;
  const session = await startPgBouncer({
    upstreamHost: w.host,
    upstreamPort: w.port,
    databases: ["visor"],
    users: [{ name: "visor", verifier }],
    poolMode: "session",
    probe: { user: "visor", password: w.password, database: "visor" },
  });
  try {
    const url = `postgresql://visor:${encodeURIComponent(w.password)}@${session.host}:${session.port}/visor`;
    const report = await runSmokeTest({ connection: { url: w.url }, poolerConnection: { url } });
    const mode = report.checks.find((c) => c.name === "pooler-mode")!;
    assert.equal(mode.passed, false);
    assert.match(mode.detail, /session mode/);
    assert.match(mode.remedy!, /pool_mode = transaction/);
    assert.equal(report.passed, false);
  } finally {
    await session.stop();
  }
});

test("MariaDB: the smoke test passes on the writer", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  await bootstrapSchema({ url: db.url });
  const report = await runSmokeTest({ connection: { url: db.url } });
  assert.equal(report.passed, true, JSON.stringify(report.checks.filter((c) => !c.passed)));
  assert.equal(report.driver, "mysql");
});

test("a missing schema fails `schema` with the bootstrap remedy; bad options are refused by name", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "empty");
  const report = await runSmokeTest({ connection: { url: db.url } });
  const schema = report.checks.find((c) => c.name === "schema")!;
  assert.equal(schema.passed, false);
  assert.match(schema.detail, /table schedules does not exist/);
  assert.match(schema.remedy!, /visor-db bootstrap/);
  await assert.rejects(
    runSmokeTest({ connection: { url: db.url }, nodes: 1 }),
    /smoke test nodes must be an integer from 2 to 32 \(got 1\)/,
  );
  const ratio = await runSmokeTest({ connection: { url: db.url }, lockTtlMs: 30_000, heartbeatMs: 15_000 });
  assert.equal(
    ratio.checks.find((c) => c.name === "heartbeat-ratio"),
    undefined,
    "not reached without a schema",
  );
});

test("visor-db smoke: ✔ per check and exit 0 on the writer; ✖ with remedy and exit 1 on the replica; --json", async (t) => {
  const { postgres } = await servers();
  await bootstrapSchema({ url: postgres.writer.url });
  const ok = await runCli(["smoke", "--url", postgres.writer.url, "--heartbeat-ms", "10000", "--lock-ttl-ms", "40000"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^✔ writer: /m);
  assert.match(ok.stdout, /^✔ heartbeat-ratio: heartbeat_interval 10000 ms vs lock_ttl 40000 ms/m);
  assert.match(ok.stdout, /^PASSED$/m);
  assert.doesNotMatch(ok.stdout + ok.stderr, new RegExp(postgres.writer.password));
  const json = await runCli(["smoke", "--url", postgres.writer.url, "--json"]);
  assert.equal(JSON.parse(json.stdout).passed, true);
  if (!need(t, postgres.reader, "replica")) return;
  const bad = await runCli(["smoke", "--url", postgres.reader!.url]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^✖ writer: pg_is_in_recovery\(\) is true/m);
  assert.match(bad.stdout, /remedy: point Visor .* at the primary\/writer endpoint/);
  const usage = await runCli(["smoke", "--url", postgres.writer.url, "--nodes", "64"]);
  assert.equal(usage.code, 2);
  assert.equal(usage.stderr.trim(), 'visor-db: smoke: --nodes must be an integer from 2 to 32 (got "64")');
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

test("an endpoint that refuses connections fails `connect` (not `writer`) with a network-path remedy", async () => {
  const port = await closedPort();
  const url = `postgresql://visor:secret-pw-1@127.0.0.1:${port}/visor`;
  const report = await runSmokeTest({ connection: { url } });
  assert.equal(report.passed, false);
  assert.deepEqual(
    report.checks.map((c) => [c.name, c.passed]),
    [["connect", false]],
    "no writer verdict without an answer",
  );
  const connect = report.checks[0]!;
  assert.match(connect.detail, /ECONNREFUSED/);
  for (const part of [/host name and port/, /DNS/, /security group \/ firewall/, /TLS mode/]) assert.match(connect.remedy!, part);
  assert.doesNotMatch(connect.remedy!, /read replica/);
  assert.doesNotMatch(JSON.stringify(report), /secret-pw-1/);

  const cli = await runCli(["smoke", "--url", url]);
  assert.equal(cli.code, 1);
  assert.match(cli.stdout, /^✖ connect: .*ECONNREFUSED/m);
  assert.match(cli.stdout, /remedy: check the network path from this host to the database/);
  assert.doesNotMatch(cli.stdout, /✖ writer/);
});

test("a host name that does not resolve fails `connect` with the DNS remedy", async () => {
  // RFC 2606: .invalid never resolves.
  const report = await runSmokeTest({ connection: { url: "postgresql://visor:pw@visor-db.invalid:5432/visor" } });
  const connect = report.checks[0]!;
  assert.equal(connect.name, "connect");
  assert.equal(connect.passed, false);
  assert.match(connect.detail, /ENOTFOUND|EAI_AGAIN/);
  assert.match(connect.remedy!, /DNS resolution/);
});

test("a wrong password fails `connect` with the credentials remedy, never the network one", async () => {
  const { postgres } = await servers();
  const w = postgres.writer;
  const url = `postgresql://${w.user}:not-the-password@${w.host}:${w.port}/${w.database}`;
  const report = await runSmokeTest({ connection: { url } });
  const connect = report.checks[0]!;
  assert.equal(connect.name, "connect");
  assert.equal(connect.passed, false);
  assert.match(connect.remedy!, /user and password/);
  assert.doesNotMatch(JSON.stringify(report), /not-the-password/);
});

test("the row round trip writes a paused schedule (never due for a polling Visor node), with Visor's columns only", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "paused");
  await bootstrapSchema({ url: db.url });
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    // Every row the smoke test inserts or updates, as the database saw it.
    await c.query(`CREATE TABLE seen (op text, status text, guide_only_set boolean);
      CREATE FUNCTION record_schedule() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO seen VALUES (TG_OP, NEW.status, NEW.claimed_by IS NOT NULL OR NEW.claimed_at IS NOT NULL OR NEW.lock_token IS NOT NULL);
        RETURN NEW; END $$;
      CREATE TRIGGER record_schedule AFTER INSERT OR UPDATE ON schedules FOR EACH ROW EXECUTE FUNCTION record_schedule()`);
    const report = await runSmokeTest({ connection: { url: db.url } });
    assert.equal(report.passed, true, JSON.stringify(report.checks.filter((x) => !x.passed)));
    const seen = (await c.query("SELECT op, status, guide_only_set FROM seen")).rows;
    assert.deepEqual(seen, [{ op: "INSERT", status: "paused", guide_only_set: false }]);
    assert.equal((await c.query("SELECT count(*)::int AS n FROM schedules")).rows[0].n, 0, "and removed again");
  } finally {
    await c.end();
  }
});

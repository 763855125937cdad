// The VisorHaSmokeTest provider against real servers: it passes on the primary (directly and through
// PgBouncer in transaction mode) and fails `pulumi up` with the check's name and remedy on a replica,
// a session-mode PgBouncer, a wrong password (at once, no password in the message) or a closed port
// (after a bounded retry).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { ConnectError, bootstrapSchema, waitForConnection } from "../../../components";
import {
  smokeTestProviderLogic,
  type SmokeProviderInputs,
  type SmokeProviderOutputs,
} from "../../../components/visor/providers/smoke-logic";
import { scramSha256Verifier } from "../../../components/pgbouncer";
import { startPostgres } from "../../../scripts/local-env/postgres";
import { need, scratchDatabase, servers } from "../../support/servers";
import { findPgBouncer, startPgBouncer } from "../../../scripts/local-env/pgbouncer";
import type { Endpoint } from "../../../scripts/local-env/environment";

const DIRECT_CHECKS = [
  "connect",
  "writer",
  "schema",
  "row-roundtrip",
  "mutual-exclusion",
  "renewal",
  "fencing",
  "expiry-takeover",
  "release",
  "clock-skew",
  "heartbeat-ratio",
];
const POOLER_CHECKS = [
  "connect@pooler",
  "writer@pooler",
  "pooler-mode",
  "mutual-exclusion@pooler",
  "renewal@pooler",
  "fencing@pooler",
  "expiry-takeover@pooler",
  "release@pooler",
];

function connectionOf(ep: Pick<Endpoint, "host" | "port" | "database" | "user" | "password">) {
  return { host: ep.host, port: ep.port, database: ep.database, user: ep.user, password: ep.password };
}

/** A scratch database on the primary with Visor's schema, as VisorSchema leaves it. */
async function preparedDatabase(): Promise<Endpoint> {
  const ep = await scratchDatabase((await servers()).postgres, "smoke");
  await bootstrapSchema(connectionOf(ep));
  return ep;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The SCRAM verifier PostgreSQL stores for `visor`: PgBouncer's userlist needs the same one to pass SCRAM through. */
async function visorVerifier(adminUrl: string): Promise<string> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query<{ v: string }>("SELECT rolpassword AS v FROM pg_authid WHERE rolname = 'visor'");
    return r.rows[0]!.v;
  } finally {
    await c.end();
  }
}

function assertNoSecret(text: string, ...secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `a password appears in: ${text}`);
}

function assertPassedOutputs(outs: SmokeProviderOutputs, expectedChecks: string[], password: string): void {
  assert.equal(outs.passed, true);
  assert.deepEqual(Object.keys(outs.checks).sort(), [...expectedChecks].sort());
  for (const [name, c] of Object.entries(outs.checks)) {
    assert.equal(c.passed, true, `${name}: ${c.detail}`);
    assert.ok(c.detail.length > 0, `${name} has a detail`);
    assert.equal(c.remedy, undefined, `${name}: a passed check carries no remedy`);
  }
  assert.equal(outs.isWriter, true);
  assert.equal(typeof outs.clockSkewMs, "number");
  assert.ok(Math.abs(outs.clockSkewMs!) <= 1000, `clock skew on loopback: ${outs.clockSkewMs}`);
  assert.equal(typeof outs.durationMs, "number");
  assert.ok(outs.durationMs >= 0);
  assert.ok(!Number.isNaN(Date.parse(outs.testedAt)));
  const { connection: _c, poolerConnection: _p, ...rest } = outs;
  assertNoSecret(JSON.stringify(rest), password);
}

test("create passes on the primary: outputs passed, checks, via, isWriter and clockSkewMs", async () => {
  const ep = await preparedDatabase();
  const inputs: SmokeProviderInputs = { connection: connectionOf(ep), rerunOnEveryUp: true, trigger: new Date().toISOString() };
  const { id, outs } = await smokeTestProviderLogic.create(inputs);
  assert.equal(id, `smoke:postgresql://${ep.host}:${ep.port}/${ep.database}`);
  assertPassedOutputs(outs, DIRECT_CHECKS, ep.password);
  assert.equal(outs.via, "direct");
  assert.equal(outs.trigger, inputs.trigger, "inputs are kept in the outputs");
  // It leaves nothing behind.
  const rows = await new Client({ connectionString: ep.url });
  await rows.connect();
  try {
    const r = await rows.query(
      "SELECT (SELECT count(*) FROM schedules)::int AS s, (SELECT count(*) FROM scheduler_locks)::int AS l",
    );
    assert.deepEqual(r.rows[0], { s: 0, l: 0 });
  } finally {
    await rows.end();
  }
  // update runs it again and returns full outputs.
  const updated = await smokeTestProviderLogic.update(id, outs, { ...inputs, trigger: "next" });
  assertPassedOutputs(updated.outs, DIRECT_CHECKS, ep.password);
  assert.equal(updated.outs.trigger, "next");
});

test("create passes through the harness's PgBouncer (transaction mode): via direct+pooler", async (t) => {
  const { postgres } = await servers();
  const pooler = need(t, postgres.pooler, "PgBouncer");
  if (!pooler) return;
  // The harness's PgBouncer serves only the `visor` database: give it Visor's schema (idempotent, additive).
  await bootstrapSchema(connectionOf(postgres.writer));
  const { outs } = await smokeTestProviderLogic.create({
    connection: connectionOf(postgres.writer),
    poolerConnection: connectionOf(pooler),
  });
  assertPassedOutputs(outs, [...DIRECT_CHECKS, ...POOLER_CHECKS], pooler.password);
  assert.equal(outs.via, "direct+pooler");
  assert.match(outs.checks["pooler-mode"]!.detail, /transaction pooling/);
});

test("against the replica the error names the writer check and says to use the writer endpoint", async (t) => {
  const { postgres } = await servers();
  const reader = need(t, postgres.reader, "streaming replica");
  if (!reader) return;
  await assert.rejects(smokeTestProviderLogic.create({ connection: connectionOf(reader) }), (err: Error) => {
    assert.match(err.message, /Visor HA smoke test failed against postgresql:\/\/visor@127\.0\.0\.1:\d+\/visor/);
    assert.match(err.message, /✖ writer: .*read replica/);
    assert.match(err.message, /remedy: .*writer endpoint/);
    assertNoSecret(err.message, reader.password);
    return true;
  });
});

test("a wrong password fails at once with 'authentication failed' and without the password", async () => {
  const ep = await preparedDatabase();
  const wrong = `Wr0ng-${Date.now()}-pass`;
  const started = Date.now();
  await assert.rejects(
    smokeTestProviderLogic.create({
      connection: { ...connectionOf(ep), password: wrong },
      connectRetry: { timeoutMs: 60_000, initialDelayMs: 1000 },
    }),
    (err: Error) => {
      assert.match(err.message, /^VisorHaSmokeTest: /);
      assert.match(err.message, /authentication failed/);
      assert.match(err.message, /not retried/);
      assertNoSecret(err.message, wrong, encodeURIComponent(wrong), ep.password);
      return true;
    },
  );
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 20_000, `returned after ${elapsed} ms of a 60 s budget: authentication errors must not be retried`);
});

test("an unreachable port is retried within connectRetry and then fails saying how many attempts it made", async () => {
  const port = await closedPort();
  const password = "never-shown-pw-42";
  await assert.rejects(
    smokeTestProviderLogic.create({
      connection: { host: "127.0.0.1", port, database: "visor", user: "visor", password },
      connectRetry: { timeoutMs: 1500, initialDelayMs: 100 },
    }),
    (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`postgresql://visor@127\\.0\\.0\\.1:${port}/visor did not accept connections after \\d+ attempts`),
      );
      const attempts = Number(/after (\d+) attempts/.exec(err.message)![1]);
      assert.ok(attempts >= 2, `retried: ${attempts} attempts`);
      assert.match(err.message, /ECONNREFUSED/);
      assertNoSecret(err.message, password);
      return true;
    },
  );
});

test("PgBouncer in session mode fails the pooler-mode check with its remedy; transaction mode passes", async (t) => {
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  const { postgres } = await servers();
  const ep = await preparedDatabase();
  const verifier = await visorVerifier(postgres.adminUrl);
  for (const poolMode of ["session", "transaction"] as const) {
    const bouncer = await startPgBouncer({
      upstreamHost: postgres.writer.host,
      upstreamPort: postgres.writer.port,
      databases: [ep.database],
      users: [{ name: "visor", verifier }],
      poolMode,
      probe: { user: "visor", password: ep.password, database: ep.database },
    });
    try {
      const inputs: SmokeProviderInputs = {
        connection: connectionOf(ep),
        poolerConnection: { host: bouncer.host, port: bouncer.port, database: ep.database, user: "visor", password: ep.password },
      };
      if (poolMode === "session") {
        await assert.rejects(smokeTestProviderLogic.create(inputs), (err: Error) => {
          assert.match(err.message, /Visor HA smoke test failed/);
          assert.match(err.message, /✖ pooler-mode: .*session mode/);
          assert.match(err.message, /remedy: set PgBouncer's pool_mode = transaction/);
          assert.doesNotMatch(err.message, /✖ writer:/, "only the pooler is at fault");
          assertNoSecret(err.message, ep.password);
          return true;
        });
      } else {
        const { outs } = await smokeTestProviderLogic.create(inputs);
        assertPassedOutputs(outs, [...DIRECT_CHECKS, ...POOLER_CHECKS], ep.password);
        assert.equal(outs.via, "direct+pooler");
      }
    } finally {
      await bouncer.stop();
    }
  }
});

test("diff: a host change replaces (connection); a nodes or trigger change is an update", async () => {
  const conn = { host: "10.0.0.1", port: 5432, database: "visor", user: "visor", password: "pw-aaaaaa" };
  const pooler = { ...conn, host: "10.0.0.9", port: 6432 };
  const olds = { connection: conn, poolerConnection: pooler, nodes: 3, trigger: "t1" } as SmokeProviderOutputs;
  const base: SmokeProviderInputs = { connection: conn, poolerConnection: pooler, nodes: 3, trigger: "t1" };

  const same = await smokeTestProviderLogic.diff("id", olds, { ...base });
  assert.equal(same.changes, false);
  assert.deepEqual(same.replaces, []);

  const host = await smokeTestProviderLogic.diff("id", olds, { ...base, connection: { ...conn, host: "10.0.0.2" } });
  assert.equal(host.changes, true);
  assert.ok(host.replaces.includes("connection"), JSON.stringify(host.replaces));

  const db = await smokeTestProviderLogic.diff("id", olds, { ...base, connection: { ...conn, database: "other" } });
  assert.deepEqual(db.replaces, ["connection"]);

  const poolerMoved = await smokeTestProviderLogic.diff("id", olds, { ...base, poolerConnection: { ...pooler, port: 6433 } });
  assert.deepEqual(poolerMoved.replaces, ["poolerConnection"]);

  for (const news of [
    { ...base, nodes: 5 },
    { ...base, trigger: "t2" },
    { ...base, connection: { ...conn, password: "pw-bbbbbb" } },
  ]) {
    const d = await smokeTestProviderLogic.diff("id", olds, news);
    assert.equal(d.changes, true, JSON.stringify(news));
    assert.deepEqual(d.replaces, [], JSON.stringify(news));
  }
});

test("check: heartbeatMs >= lockTtlMs / 3 is a failure; below it is fine", async () => {
  const connection = { host: "db.example.com", user: "visor", password: "pw-aaaaaa" };
  const check = (news: Partial<SmokeProviderInputs>) =>
    smokeTestProviderLogic.check({} as SmokeProviderInputs, { connection, ...news });
  for (const news of [
    { lockTtlMs: 60_000, heartbeatMs: 20_000 },
    { lockTtlMs: 60_000, heartbeatMs: 30_000 },
    { heartbeatMs: 20_000 },
    { lockTtlMs: 30_000 },
  ]) {
    const r = await check(news);
    assert.deepEqual(
      r.failures.map((f) => f.property),
      ["heartbeatMs"],
      JSON.stringify(news),
    );
    assert.match(r.failures[0]!.reason, /heartbeatMs must be below lockTtlMs \/ 3/);
  }
  for (const news of [{ lockTtlMs: 60_000, heartbeatMs: 19_999 }, {}, { lockTtlMs: 3000, heartbeatMs: 999 }]) {
    assert.deepEqual((await check(news)).failures, [], JSON.stringify(news));
  }
  // Unknown during preview: not judged.
  assert.deepEqual(
    (await check({ lockTtlMs: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" as never, heartbeatMs: 30_000 })).failures,
    [],
  );
  // Out-of-range values name their property.
  const bad = await check({ nodes: 1 });
  assert.deepEqual(
    bad.failures.map((f) => f.property),
    ["nodes"],
  );
});

/** A PgBouncer whose PostgreSQL has gone away (or is not up yet): what a fresh managed pooler looks like for a while. */
async function poolerWithUpstreamDown() {
  const pg = await startPostgres();
  const password = randomBytes(12).toString("base64url");
  const verifier = scramSha256Verifier(password);
  const admin = new Client({ connectionString: pg.url() });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE visor LOGIN PASSWORD '${verifier}'`);
    await admin.query("CREATE DATABASE visor OWNER visor");
  } finally {
    await admin.end();
  }
  const bouncer = await startPgBouncer({
    upstreamHost: pg.host,
    upstreamPort: pg.port,
    databases: ["visor"],
    users: [{ name: "visor", verifier }],
    probe: { user: "visor", password, database: "visor" },
  });
  await pg.stop();
  return { bouncer, conn: { host: bouncer.host, port: bouncer.port, database: "visor", user: "visor", password } };
}

test("a pooler whose database does not accept connections yet is waited for, not failed at once", async (t) => {
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  const { bouncer, conn } = await poolerWithUpstreamDown();
  try {
    // Let PgBouncer try (and fail) a server login once, as it has during a real deployment.
    const probe = new Client({ ...conn, query_timeout: 2000 });
    await probe
      .connect()
      .then(() => probe.query("SELECT 1"))
      .catch(() => undefined);
    await probe.end().catch(() => undefined);
    await assert.rejects(waitForConnection(conn, { timeoutMs: 3000, initialDelayMs: 100 }), (err: unknown) => {
      assert.ok(err instanceof ConnectError, String(err));
      assert.equal(err.failure, "transient");
      assert.match(err.message, /did not accept connections after \d+ attempts/);
      return true;
    });
  } finally {
    await bouncer.stop();
  }
});

test("connectRetry.timeoutMs bounds the whole wait even when an attempt hangs in a pooler", async (t) => {
  if (!need(t, findPgBouncer(), "pgbouncer")) return;
  const { bouncer, conn } = await poolerWithUpstreamDown();
  try {
    const started = Date.now();
    await assert.rejects(waitForConnection(conn, { timeoutMs: 3000, initialDelayMs: 100 }));
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 15_000, `a 3 s budget took ${elapsed} ms`);
  } finally {
    await bouncer.stop();
  }
});

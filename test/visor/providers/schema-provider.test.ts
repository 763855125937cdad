// The VisorSchema provider's methods, called directly as the engine calls them, against a real scratch
// PostgreSQL database: check/diff validate without connecting, create is idempotent, update upgrades
// without touching rows, delete keeps data unless retainOnDelete is explicitly false, read shows drift.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { Client } from "pg";
import { SCHEMA_VERSION } from "../../../components";
import {
  schemaProviderLogic,
  type SchemaProviderInputs,
  type SchemaProviderOutputs,
} from "../../../components/visor/providers/schema-logic";
import { need, scratchDatabase, servers } from "../../support/servers";
import type { Endpoint } from "../../../scripts/local-env/environment";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const VISOR_TABLES = ["schedules", "scheduler_locks", "message_triggers"];
const EXPECTED_INDEXES = [
  "message_triggers.idx_message_triggers_creator_id(creator_id)",
  "message_triggers.idx_message_triggers_status(status)",
  "schedules.idx_schedules_creator_id(creator_id)",
  "schedules.idx_schedules_status(status)",
  "schedules.idx_schedules_status_next_run(status,next_run_at)",
];

function connectionOf(ep: Endpoint) {
  return {
    host: ep.host,
    port: ep.port,
    database: ep.database,
    user: ep.user,
    password: ep.password,
    ssl: { mode: "disable" as const },
  };
}

async function sql<T = Record<string, unknown>>(ep: Endpoint, text: string): Promise<T[]> {
  const c = new Client({ connectionString: ep.url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

async function tablesIn(ep: Endpoint): Promise<string[]> {
  const rows = await sql<{ t: string }>(
    ep,
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.t);
}

async function fillRows(ep: Endpoint): Promise<void> {
  await sql(
    ep,
    `INSERT INTO schedules (id, creator_id, is_recurring, status, created_at, workflow_inputs, next_run_at, lock_token)
     SELECT 'sched-' || g, 'creator-' || (g % 7), g % 2 = 0, 'active', 1700000000000 + g, '{"n":' || g || ',"t":"héllo"}', 9007199254740991 - g, 'tok-' || g
     FROM generate_series(1, 60) g`,
  );
  await sql(
    ep,
    `INSERT INTO scheduler_locks (lock_id, node_id, lock_token, acquired_at, expires_at)
     SELECT 'lock-' || g, 'node-' || g, 'tok-' || g, 1700000000000, 1700000060000 FROM generate_series(1, 5) g`,
  );
  await sql(
    ep,
    `INSERT INTO message_triggers (id, creator_id, workflow, created_at) SELECT 'trig-' || g, 'c', 'wf', 1700000000000 FROM generate_series(1, 9) g`,
  );
}

/** Row count and an md5 over every row of every Visor table (optionally leaving a column of schedules out). */
async function checksum(ep: Endpoint, withoutScheduleColumn?: string): Promise<Record<string, { n: number; sum: string }>> {
  const out: Record<string, { n: number; sum: string }> = {};
  for (const table of VISOR_TABLES) {
    const key = table === "scheduler_locks" ? "lock_id" : "id";
    const row =
      table === "schedules" && withoutScheduleColumn ? `(to_jsonb(t) - '${withoutScheduleColumn}')::text` : "to_jsonb(t)::text";
    const [r] = await sql<{ n: number; sum: string }>(
      ep,
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(${row}, '|' ORDER BY ${key}), '')) AS sum FROM ${table} t`,
    );
    out[table] = r!;
  }
  return out;
}

/** A TCP listener that counts connection attempts: proves check/diff never reach the database. */
async function countingListener(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, count: () => n, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function createOn(ep: Endpoint, extra: Partial<SchemaProviderInputs> = {}) {
  const inputs: SchemaProviderInputs = { connection: connectionOf(ep), retainOnDelete: true, ...extra };
  const result = await schemaProviderLogic.create(inputs);
  return { inputs, ...result };
}

test("check: a bad port, ssl mode, driver or retainOnDelete is a failure naming the property", async () => {
  const base = { host: "db.example.com", user: "visor", password: "s3cret-pw" };
  const cases: [string, Partial<SchemaProviderInputs>, RegExp, RegExp][] = [
    ["port 0", { connection: { ...base, port: 0 } }, /^connection/, /port must be an integer from 1 to 65535/],
    ["port 70000", { connection: { ...base, port: 70000 } }, /^connection/, /port/],
    [
      "ssl mode",
      { connection: { ...base, ssl: { mode: "verify-everything" as never } } },
      /^connection/,
      /ssl\.mode must be one of disable, require, verify-ca, verify-full/,
    ],
    ["driver", { connection: base, driver: "oracle" as never }, /^driver$/, /driver must be one of postgresql, mysql, mssql/],
    ["connection driver", { connection: { ...base, driver: "sqlite" as never } }, /^connection/, /driver must be one of/],
    ["retainOnDelete", { connection: base, retainOnDelete: "no" as never }, /^retainOnDelete$/, /true or false/],
    ["missing connection", { connection: undefined as never }, /^connection$/, /required/],
    ["connectRetry", { connection: base, connectRetry: { timeoutMs: -1 } }, /^connectRetry\.timeoutMs$/, /integer/],
  ];
  for (const [what, news, property, reason] of cases) {
    const r = await schemaProviderLogic.check({} as SchemaProviderInputs, news as SchemaProviderInputs);
    assert.equal(r.failures.length, 1, `${what}: exactly one failure, got ${JSON.stringify(r.failures)}`);
    assert.match(r.failures[0]!.property, property, what);
    assert.match(r.failures[0]!.reason, reason, what);
    assert.doesNotMatch(r.failures[0]!.reason, /s3cret-pw/, `${what}: no password in the failure`);
  }
  const ok = await schemaProviderLogic.check({} as SchemaProviderInputs, {
    connection: { ...base, port: 5432, ssl: { mode: "verify-full" } },
  });
  assert.deepEqual(ok.failures, []);
});

test("check and diff tolerate the engine's unknown sentinel and never connect to the database", async () => {
  const listener = await countingListener();
  try {
    const known = { host: "127.0.0.1", port: listener.port, database: "visor", user: "visor", password: "pw-123456" };
    const previews: SchemaProviderInputs[] = [
      { connection: UNKNOWN as never },
      { connection: { ...known, password: UNKNOWN } },
      { connection: { ...known, host: UNKNOWN } },
      { connection: { ...known, ssl: UNKNOWN as never } },
      { connection: { ...known, ssl: { mode: UNKNOWN as never, ca: UNKNOWN } } },
      { connection: known, driver: UNKNOWN as never, retainOnDelete: UNKNOWN as never, connectRetry: UNKNOWN as never },
      { connection: known, connectRetry: { timeoutMs: UNKNOWN as never } },
    ];
    for (const news of previews) {
      const r = await schemaProviderLogic.check({} as SchemaProviderInputs, news);
      assert.deepEqual(r.failures, [], `no failure for ${JSON.stringify(news)}`);
      assert.deepEqual(r.inputs, news, "check passes the inputs through");
    }
    // A known bad value next to an unknown one is still reported.
    const bad = await schemaProviderLogic.check({} as SchemaProviderInputs, {
      connection: { host: UNKNOWN, ssl: { mode: "bogus" as never } },
    });
    assert.deepEqual(
      bad.failures.map((f) => f.property),
      ["connection.ssl.mode"],
    );
    const olds = { connection: known, retainOnDelete: true, schemaVersion: SCHEMA_VERSION } as SchemaProviderOutputs;
    for (const news of previews) await schemaProviderLogic.diff("id", olds, news);
    await schemaProviderLogic.diff("id", olds, { connection: known, retainOnDelete: true });
    assert.equal(listener.count(), 0, "check/diff opened a connection to the database");
  } finally {
    await listener.close();
  }
});

test("create on an empty database makes Visor's tables and indexes; create again is idempotent", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "schema");
  assert.deepEqual(await tablesIn(ep), []);
  const first = await createOn(ep);
  assert.equal(first.id, `postgresql://${ep.host}:${ep.port}/${ep.database}`);
  assert.doesNotMatch(first.id, new RegExp(ep.password));
  const outs = first.outs;
  assert.equal(outs.schemaVersion, SCHEMA_VERSION);
  assert.equal(outs.driver, "postgresql");
  assert.match(outs.serverVersion, /\d+/);
  assert.deepEqual([...outs.tables].sort(), [...VISOR_TABLES].sort());
  assert.deepEqual(outs.indexes, EXPECTED_INDEXES);
  assert.deepEqual(outs.drift, []);
  assert.equal(outs.retainOnDelete, true, "inputs are kept in the outputs");
  assert.deepEqual(await tablesIn(ep), [...VISOR_TABLES].sort());
  const pgIndexes = await sql<{ i: string }>(
    ep,
    "SELECT indexname AS i FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'idx_%' ORDER BY 1",
  );
  assert.deepEqual(
    pgIndexes.map((r) => r.i),
    EXPECTED_INDEXES.map((i) => i.split(".")[1]!.split("(")[0]!).sort(),
  );

  await fillRows(ep);
  const before = await checksum(ep);
  const second = await schemaProviderLogic.create(first.inputs);
  assert.equal(second.id, first.id);
  assert.deepEqual({ ...second.outs, serverVersion: "" }, { ...outs, serverVersion: "" });
  assert.deepEqual(await checksum(ep), before, "a second create changed rows");
  assert.deepEqual(await tablesIn(ep), [...VISOR_TABLES].sort());
});

test("diff: a connection change is an update (never a replace); an older schemaVersion is a change", async () => {
  const conn = { host: "10.0.0.1", port: 5432, database: "visor", user: "visor", password: "pw-aaaaaa" };
  const olds = { connection: conn, retainOnDelete: true, schemaVersion: SCHEMA_VERSION } as SchemaProviderOutputs;
  const same = await schemaProviderLogic.diff("id", olds, { connection: { ...conn }, retainOnDelete: true });
  assert.equal(same.changes, false);
  assert.deepEqual(same.replaces, []);

  for (const news of [
    { connection: { ...conn, host: "10.0.0.2" }, retainOnDelete: true },
    { connection: { ...conn, database: "other" }, retainOnDelete: true },
    { connection: { ...conn, password: "pw-bbbbbb" }, retainOnDelete: true },
    { connection: conn, retainOnDelete: false },
  ]) {
    const d = await schemaProviderLogic.diff("id", olds, news);
    assert.equal(d.changes, true, JSON.stringify(news));
    assert.deepEqual(d.replaces, [], "VisorSchema is never replaced: a replace would delete on the old endpoint");
  }

  const old = await schemaProviderLogic.diff(
    "id",
    { ...olds, schemaVersion: "0.9.0" },
    { connection: conn, retainOnDelete: true },
  );
  assert.equal(old.changes, true, "a schema created by an older package version must be upgraded");
  assert.deepEqual(old.replaces, []);
});

test("update after a version bump adds what the old schema lacked and keeps every row", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "schema");
  const { inputs, id, outs } = await createOn(ep);
  await fillRows(ep);
  // What an older package version left behind: no lock_token column, one index missing.
  await sql(ep, "ALTER TABLE schedules DROP COLUMN lock_token");
  await sql(ep, "DROP INDEX idx_schedules_status_next_run");
  const before = await checksum(ep);
  const olds = { ...outs, schemaVersion: "0.9.0" };
  const d = await schemaProviderLogic.diff(id, olds, inputs);
  assert.equal(d.changes, true);

  const updated = await schemaProviderLogic.update(id, olds, inputs);
  assert.equal(updated.outs.schemaVersion, SCHEMA_VERSION);
  assert.deepEqual(updated.outs.indexes, EXPECTED_INDEXES);
  assert.deepEqual(updated.outs.drift, []);
  assert.deepEqual([...updated.outs.tables].sort(), [...VISOR_TABLES].sort());
  assert.deepEqual(await checksum(ep, "lock_token"), before, "update changed or lost rows");
  const [col] = await sql<{ n: number; nulls: number }>(
    ep,
    "SELECT count(*)::int AS n, count(*) FILTER (WHERE lock_token IS NULL)::int AS nulls FROM schedules",
  );
  assert.deepEqual(col, { n: 60, nulls: 60 }, "the added column exists and is empty on old rows");

  // An update with nothing to do also keeps every row and every output.
  const stable = await checksum(ep);
  const again = await schemaProviderLogic.update(id, updated.outs, { ...inputs, retainOnDelete: false });
  assert.deepEqual(await checksum(ep), stable);
  assert.equal(again.outs.retainOnDelete, false);
  for (const k of ["schemaVersion", "driver", "serverVersion", "tables", "indexes", "drift"] as const) {
    assert.notEqual(again.outs[k], undefined, `update must not wipe output ${k}`);
  }
});

test("delete keeps every table and row by default (and when retainOnDelete is left out)", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "schema");
  const { id, outs } = await createOn(ep);
  await fillRows(ep);
  const before = await checksum(ep);
  await schemaProviderLogic.delete(id, outs);
  const { retainOnDelete: _ignored, ...withoutFlag } = outs;
  await schemaProviderLogic.delete(id, withoutFlag as SchemaProviderOutputs);
  assert.deepEqual(await tablesIn(ep), [...VISOR_TABLES].sort());
  assert.deepEqual(await checksum(ep), before);
});

test("delete with retainOnDelete false drops only Visor's three tables", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "schema");
  await sql(
    ep,
    "CREATE TABLE customer_data (id int PRIMARY KEY, name text); INSERT INTO customer_data VALUES (1, 'keep me'), (2, 'me too')",
  );
  await sql(ep, "CREATE TABLE schedules_archive (id text); INSERT INTO schedules_archive VALUES ('old')");
  const { id, outs } = await createOn(ep, { retainOnDelete: false });
  await fillRows(ep);
  await schemaProviderLogic.delete(id, outs);
  assert.deepEqual(await tablesIn(ep), ["customer_data", "schedules_archive"]);
  assert.deepEqual(await sql(ep, "SELECT id, name FROM customer_data ORDER BY id"), [
    { id: 1, name: "keep me" },
    { id: 2, name: "me too" },
  ]);
  assert.deepEqual(await sql(ep, "SELECT id FROM schedules_archive"), [{ id: "old" }]);
});

test("read after DROP INDEX idx_schedules_status reports it missing and as drift", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "schema");
  const { id, outs } = await createOn(ep);
  const clean = await schemaProviderLogic.read(id, outs);
  assert.equal(clean.id, id);
  assert.deepEqual(clean.props.indexes, EXPECTED_INDEXES);
  assert.deepEqual(clean.props.drift, []);

  await sql(ep, "DROP INDEX idx_schedules_status");
  const r = await schemaProviderLogic.read(id, outs);
  assert.equal(r.id, id);
  assert.deepEqual(
    r.props.indexes,
    EXPECTED_INDEXES.filter((i) => i !== "schedules.idx_schedules_status(status)"),
  );
  assert.equal(r.props.drift.length, 1, JSON.stringify(r.props.drift));
  assert.match(r.props.drift[0]!, /schedules\(status\).*idx_schedules_status/);
  assert.deepEqual(r.props.connection, outs.connection, "read keeps the inputs");
  assert.deepEqual([...r.props.tables].sort(), [...VISOR_TABLES].sort());

  // The next update repairs it.
  const fixed = await schemaProviderLogic.update(id, r.props, { connection: outs.connection, retainOnDelete: true });
  assert.deepEqual(fixed.outs.indexes, EXPECTED_INDEXES);
  assert.deepEqual(fixed.outs.drift, []);
});

test("a wrong password fails create at once, names authentication and never shows the password", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "schema");
  const wrong = `wrong-${ep.password.slice(0, 6)}-pw`;
  const started = Date.now();
  await assert.rejects(
    schemaProviderLogic.create({ connection: { ...connectionOf(ep), password: wrong }, connectRetry: { timeoutMs: 60_000 } }),
    (err: Error) => {
      assert.match(err.message, /^VisorSchema: /);
      assert.match(err.message, /authentication failed/);
      assert.ok(!err.message.includes(wrong), err.message);
      assert.ok(!err.message.includes(ep.password), err.message);
      return true;
    },
  );
  assert.ok(Date.now() - started < 20_000, "an authentication error must not be retried for the whole budget");
  assert.deepEqual(await tablesIn(ep), []);
});

/** The same scratch database as seen through the streaming replica, once replication has caught up. */
async function onReplica(ep: Endpoint, reader: Endpoint, expectedTables: string[]): Promise<Endpoint> {
  const replica = {
    ...ep,
    host: reader.host,
    port: reader.port,
    url: ep.url.replace(`@${ep.host}:${ep.port}/`, `@${reader.host}:${reader.port}/`),
  };
  let last = "";
  for (let i = 0; i < 100; i++) {
    try {
      const tables = await tablesIn(replica);
      if (JSON.stringify(tables) === JSON.stringify(expectedTables)) return replica;
      last = JSON.stringify(tables);
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the replica did not catch up with ${ep.database}: ${last}`);
}

test("create against the read replica (empty database) fails at once and says the endpoint is read-only", async (t) => {
  const { postgres } = await servers();
  const reader = need(t, postgres.reader, "streaming replica");
  if (!reader) return;
  const replica = await onReplica(await scratchDatabase(postgres, "schema"), reader, []);
  const started = Date.now();
  await assert.rejects(
    schemaProviderLogic.create({ connection: connectionOf(replica), connectRetry: { timeoutMs: 60_000 } }),
    (err: Error) => {
      assert.match(err.message, /^VisorSchema: /);
      assert.match(err.message, /is not the writer: pg_is_in_recovery\(\) is true: this endpoint is a read replica/);
      assert.ok(!err.message.includes(reader.password));
      return true;
    },
  );
  assert.ok(Date.now() - started < 20_000, "a read-only endpoint must not be retried");
});

test("create against the read replica names the writer endpoint as the remedy (not the CREATE TABLE text)", async (t) => {
  const { postgres } = await servers();
  const reader = need(t, postgres.reader, "streaming replica");
  if (!reader) return;
  const replica = await onReplica(await scratchDatabase(postgres, "schema"), reader, []);
  await assert.rejects(schemaProviderLogic.create({ connection: connectionOf(replica) }), (err: Error) => {
    assert.match(err.message, /writer/);
    assert.doesNotMatch(err.message, /create table "schedules"/i);
    return true;
  });
});

test("create against the read replica fails even when the schema is already there (replicated)", async (t) => {
  const { postgres } = await servers();
  const reader = need(t, postgres.reader, "streaming replica");
  if (!reader) return;
  const ep = await scratchDatabase(postgres, "schema");
  await createOn(ep);
  const replica = await onReplica(ep, reader, [...VISOR_TABLES].sort());
  await assert.rejects(schemaProviderLogic.create({ connection: connectionOf(replica) }), /writer|read-only|replica/);
});

test("check never shows any part of a password embedded in an invalid connection URL", async () => {
  for (const [url, secretParts] of [
    ["postgresql://visor:p@ss-w0rd@db.example.com:99999/visor", ["p@ss-w0rd", "ss-w0rd"]],
    ["postgresql://visor:two words@db.example.com:99999/visor", ["two words", "words"]],
  ] as const) {
    const r = await schemaProviderLogic.check({} as SchemaProviderInputs, { connection: { url } });
    assert.equal(r.failures.length, 1, url);
    for (const part of secretParts)
      assert.ok(!r.failures[0]!.reason.includes(part), `"${part}" shown in: ${r.failures[0]!.reason}`);
  }
});

/** Sessions ever opened on one database (PostgreSQL 14+), once the closed ones have reported. */
async function sessionsOn(adminUrl: string, database: string): Promise<number> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    let last = -1;
    for (let stable = 0; stable < 4;) {
      await new Promise((r) => setTimeout(r, 150));
      await admin.query("SELECT pg_stat_clear_snapshot()");
      const [row] = (await admin.query("SELECT sessions::int AS n FROM pg_stat_database WHERE datname = $1", [database])).rows;
      stable = row.n === last ? stable + 1 : 0;
      last = row.n;
    }
    return last;
  } finally {
    await admin.end();
  }
}

test("one create resolves the connection once and uses one pool: one database session for the wait, the writer check and the bootstrap", async () => {
  const { postgres } = await servers();
  const ep = await scratchDatabase(postgres, "onepool");
  const before = await sessionsOn(postgres.adminUrl, ep.database);
  const { outs } = await createOn(ep);
  assert.deepEqual([...outs.tables].sort(), [...VISOR_TABLES].sort());
  assert.equal((await sessionsOn(postgres.adminUrl, ep.database)) - before, 1, "sessions opened by one create");
});

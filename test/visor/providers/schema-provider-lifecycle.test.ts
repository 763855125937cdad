// The VisorSchema provider's lifecycle, called directly as the engine calls it, against a real scratch
// PostgreSQL database: check/diff validate without connecting, create is idempotent, update upgrades
// without touching rows, delete keeps data unless retainOnDelete is explicitly false, read shows drift.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SCHEMA_VERSION } from "../../../components";
import {
  schemaProviderLogic,
  type SchemaProviderInputs,
  type SchemaProviderOutputs,
} from "../../../components/visor/providers/schema-logic";
import { scratchDatabase, servers } from "../../support/servers";
import {
  EXPECTED_INDEXES,
  UNKNOWN,
  VISOR_TABLES,
  checksum,
  countingListener,
  createOn,
  fillRows,
  sql,
  tablesIn,
} from "./schema-provider-support";

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

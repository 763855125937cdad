// Visor's schema on real PostgreSQL (every major the harness has) and MariaDB: exactly the guide's
// columns and indexes plus message_triggers, idempotent, additive, and it never touches existing rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapSchema, inspectSchema, SchemaMismatchError } from "../../components";
import { need, pgQuery, postgresMajors, scratchDatabase, servers } from "../support/servers";
import { scratchMariaDb } from "../support/mariadb";

/** Transcribed from the guide's "Schema and Tables" and Visor's message_triggers: [name, type, length, nullable, default]. */
type Col = [string, string, number | null, boolean, string | null];
const GUIDE: Record<string, Col[]> = {
  schedules: [
    ["id", "character varying", 36, false, null],
    ["creator_id", "character varying", 255, false, null],
    ["creator_context", "character varying", 255, true, null],
    ["creator_name", "character varying", 255, true, null],
    ["timezone", "character varying", 64, false, "UTC"],
    ["schedule_expr", "character varying", 255, true, null],
    ["run_at", "bigint", null, true, null],
    ["is_recurring", "boolean", null, false, null],
    ["original_expression", "text", null, true, null],
    ["workflow", "character varying", 255, true, null],
    ["workflow_inputs", "text", null, true, null],
    ["output_context", "text", null, true, null],
    ["status", "character varying", 20, false, null],
    ["created_at", "bigint", null, false, null],
    ["last_run_at", "bigint", null, true, null],
    ["next_run_at", "bigint", null, true, null],
    ["run_count", "integer", null, false, "0"],
    ["failure_count", "integer", null, false, "0"],
    ["last_error", "text", null, true, null],
    ["previous_response", "text", null, true, null],
    ["claimed_by", "character varying", 255, true, null],
    ["claimed_at", "bigint", null, true, null],
    ["lock_token", "character varying", 36, true, null],
  ],
  scheduler_locks: [
    ["lock_id", "character varying", 255, false, null],
    ["node_id", "character varying", 255, false, null],
    ["lock_token", "character varying", 36, false, null],
    ["acquired_at", "bigint", null, false, null],
    ["expires_at", "bigint", null, false, null],
  ],
  message_triggers: [
    ["id", "character varying", 36, false, null],
    ["creator_id", "character varying", 255, false, null],
    ["creator_context", "character varying", 255, true, null],
    ["creator_name", "character varying", 255, true, null],
    ["description", "text", null, true, null],
    ["channels", "text", null, true, null],
    ["from_users", "text", null, true, null],
    ["from_bots", "boolean", null, false, "false"],
    ["contains", "text", null, true, null],
    ["match_pattern", "text", null, true, null],
    ["threads", "character varying", 20, false, "any"],
    ["workflow", "character varying", 255, false, null],
    ["inputs", "text", null, true, null],
    ["output_context", "text", null, true, null],
    ["status", "character varying", 20, false, "active"],
    ["enabled", "boolean", null, false, "true"],
    ["created_at", "bigint", null, false, null],
  ],
};
const GUIDE_INDEXES = [
  "message_triggers(creator_id)",
  "message_triggers(status)",
  "schedules(creator_id)",
  "schedules(status)",
  "schedules(status,next_run_at)",
];
const PRIMARY_KEYS = ["message_triggers(id)", "scheduler_locks(lock_id)", "schedules(id)"];

/** PostgreSQL's defaults read back as `'UTC'::character varying`, `0`, `false`. */
const pgDefault = (d: string | null) => (d === null ? null : d.replace(/::[a-z ]+$/, "").replace(/^'(.*)'$/, "$1"));

async function pgColumns(url: string): Promise<Record<string, Col[]>> {
  const rows = await pgQuery<{ t: string; c: string; dt: string; len: number | null; n: string; d: string | null }>(
    url,
    `SELECT table_name t, column_name c, data_type dt, character_maximum_length len, is_nullable n, column_default d
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const out: Record<string, Col[]> = {};
  for (const r of rows) (out[r.t] ??= []).push([r.c, r.dt, r.len, r.n === "YES", pgDefault(r.d)]);
  return out;
}

async function pgIndexes(url: string): Promise<{ primary: string[]; other: string[] }> {
  const rows = await pgQuery<{ t: string; cols: string; p: boolean }>(
    url,
    `SELECT t.relname t, ix.indisprimary p,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) cols
       FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public'`,
  );
  const fmt = (r: { t: string; cols: string }) => `${r.t}(${r.cols})`;
  return {
    primary: rows
      .filter((r) => r.p)
      .map(fmt)
      .sort(),
    other: rows
      .filter((r) => !r.p)
      .map(fmt)
      .sort(),
  };
}

test("bootstrap creates exactly the guide's columns, types, nullability, defaults and indexes on every PostgreSQL major", async () => {
  for (const pg of await postgresMajors()) {
    const db = await scratchDatabase(pg, "schema");
    const result = await bootstrapSchema({ url: db.url });
    assert.deepEqual(result.created, ["schedules", "scheduler_locks", "message_triggers"], `PostgreSQL ${pg.major}`);
    assert.deepEqual(await pgColumns(db.url), GUIDE, `PostgreSQL ${pg.major}`);
    assert.deepEqual(await pgIndexes(db.url), { primary: PRIMARY_KEYS, other: GUIDE_INDEXES }, `PostgreSQL ${pg.major}`);
    const names = await pgQuery<{ indexname: string }>(
      db.url,
      "SELECT indexname FROM pg_indexes WHERE tablename = 'schedules' AND indexname LIKE 'idx_%' ORDER BY 1",
    );
    assert.deepEqual(
      names.map((n) => n.indexname),
      ["idx_schedules_creator_id", "idx_schedules_status", "idx_schedules_status_next_run"],
    );
    const report = await inspectSchema({ url: db.url });
    assert.equal(report.complete, true);
    assert.deepEqual(report.differences, []);
  }
});

test("re-bootstrap is idempotent and leaves 10,000 existing rows unchanged", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "rows");
  await bootstrapSchema({ url: db.url });
  await pgQuery(
    db.url,
    `INSERT INTO schedules (id, creator_id, is_recurring, status, created_at, workflow_inputs, next_run_at)
     SELECT md5(i::text)::uuid::text, 'user-' || (i % 50), i % 2 = 0, 'active', 1700000000000 + i, '{"i":' || i || '}', 1800000000000 + i
       FROM generate_series(1, 10000) i`,
  );
  const checksum = `SELECT count(*)::int n, md5(string_agg(s::text, '|' ORDER BY id)) h FROM schedules s`;
  const [before] = await pgQuery<{ n: number; h: string }>(db.url, checksum);
  assert.equal(before!.n, 10_000);
  for (let i = 0; i < 3; i++) {
    const again = await bootstrapSchema({ url: db.url });
    assert.deepEqual(again.created, []);
    assert.deepEqual(again.added, []);
  }
  assert.deepEqual(await pgQuery(db.url, checksum), [before]);
});

test("a missing index or nullable column is added; a wrong column type is reported by name and nothing changes", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "drift");
  await bootstrapSchema({ url: db.url });
  await pgQuery(db.url, "DROP INDEX idx_schedules_status; ALTER TABLE schedules DROP COLUMN previous_response");
  const repaired = await bootstrapSchema({ url: db.url });
  assert.deepEqual(repaired.added.sort(), ["idx_schedules_status", "schedules.previous_response"]);
  assert.equal(repaired.report.complete, true);

  await pgQuery(db.url, "ALTER TABLE scheduler_locks ALTER COLUMN expires_at TYPE integer USING 0");
  await pgQuery(db.url, "DROP INDEX idx_schedules_creator_id");
  await assert.rejects(bootstrapSchema({ url: db.url }), (err: Error) => {
    assert.ok(err instanceof SchemaMismatchError);
    assert.match(err.message, /scheduler_locks\.expires_at is integer, Visor needs bigint/);
    return true;
  });
  // Rolled back whole: the missing index was not added either.
  const idx = await pgQuery(db.url, "SELECT 1 FROM pg_indexes WHERE indexname = 'idx_schedules_creator_id'");
  assert.equal(idx.length, 0);
});

test("a database Visor bootstrapped itself (knex index names, no guide indexes) is valid", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "visorown");
  await bootstrapSchema({ url: db.url });
  await pgQuery(
    db.url,
    `ALTER INDEX idx_schedules_creator_id RENAME TO schedules_creator_id_index;
     ALTER INDEX idx_schedules_status RENAME TO schedules_status_index;
     DROP INDEX idx_schedules_status_next_run;
     ALTER INDEX idx_message_triggers_creator_id RENAME TO message_triggers_creator_id_index`,
  );
  const report = await inspectSchema({ url: db.url });
  assert.equal(report.valid, true);
  assert.deepEqual(
    report.differences.map((d) => d.kind + ":" + d.index),
    ["missing-index:idx_schedules_status_next_run"],
  );
});

test("grantTo lets a least-privilege role use Visor's tables without CREATE", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "grant");
  const role = `visor_app_${Date.now() % 100000}`;
  await pgQuery(postgres.adminUrl, `CREATE ROLE ${role} LOGIN PASSWORD 'app-pw-123'`);
  try {
    await pgQuery(db.url, `REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await bootstrapSchema({ url: db.url }, { grantTo: role });
    const appUrl = `postgresql://${role}:app-pw-123@${db.host}:${db.port}/${db.database}`;
    await pgQuery(appUrl, "INSERT INTO scheduler_locks VALUES ('l', 'n', 't', 1, 2)");
    await pgQuery(appUrl, "UPDATE scheduler_locks SET expires_at = 3 WHERE lock_id = 'l'");
    assert.equal((await pgQuery(appUrl, "SELECT * FROM scheduler_locks")).length, 1);
    await pgQuery(appUrl, "DELETE FROM scheduler_locks");
    await assert.rejects(pgQuery(appUrl, "CREATE TABLE x (id int)"), /permission denied/);
    // Visor's startup finds every table present, so it never needs CREATE.
    const report = await inspectSchema({ url: appUrl });
    assert.equal(report.valid, true);
  } finally {
    await pgQuery(postgres.adminUrl, `DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
    await pgQuery(db.url, `DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
    await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  }
});

test("MariaDB: the guide's columns and indexes in MySQL types, idempotent", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  const result = await bootstrapSchema({ url: db.url });
  assert.deepEqual(result.created, ["schedules", "scheduler_locks", "message_triggers"]);
  const mysqlType: Record<string, string> = {
    "character varying": "varchar",
    text: "text",
    bigint: "bigint",
    integer: "int",
    boolean: "tinyint",
  };
  const [rows] = await db.admin.query(
    `SELECT table_name t, column_name c, data_type dt, character_maximum_length len, is_nullable n, column_default d
       FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position`,
    [db.database],
  );
  const actual: Record<string, Col[]> = {};
  for (const r of rows as { t: string; c: string; dt: string; len: number | null; n: string; d: string | null }[]) {
    (actual[r.t] ??= []).push([
      r.c,
      r.dt,
      r.len === null ? null : Number(r.len),
      r.n === "YES",
      r.d === null || r.d === "NULL" ? null : r.d.replace(/^'(.*)'$/, "$1"),
    ]);
  }
  const expected = Object.fromEntries(
    Object.entries(GUIDE).map(([t, cols]) => [
      t,
      cols.map(([c, ty, len, n, d]) => [
        c,
        mysqlType[ty],
        ty === "character varying" || ty === "text" ? (ty === "text" ? 65535 : len) : null,
        n,
        d === "false" ? "0" : d === "true" ? "1" : d,
      ]),
    ]),
  );
  assert.deepEqual(actual, expected);
  const [idx] = await db.admin.query(
    `SELECT table_name t, index_name i, GROUP_CONCAT(column_name ORDER BY seq_in_index) cols
       FROM information_schema.statistics WHERE table_schema = ? GROUP BY table_name, index_name`,
    [db.database],
  );
  const idxRows = idx as { t: string; i: string; cols: string }[];
  assert.deepEqual(
    idxRows
      .filter((r) => r.i !== "PRIMARY")
      .map((r) => `${r.t}(${r.cols})`)
      .sort(),
    GUIDE_INDEXES,
  );
  assert.deepEqual(
    idxRows
      .filter((r) => r.i === "PRIMARY")
      .map((r) => `${r.t}(${r.cols})`)
      .sort(),
    PRIMARY_KEYS,
  );
  assert.deepEqual((await bootstrapSchema({ url: db.url })).created, []);
  assert.equal((await inspectSchema({ url: db.url })).complete, true);
});

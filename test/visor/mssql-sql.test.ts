// SQL Server: no server runs here, so the SQL the project's own code generates (its table definitions,
// bootstrap's additions, the lock statements, the dialect's schema-lock, catalog and writer SQL) is checked
// as text (knex client `mssql` over tedious; Visor itself passes client `tedious`, which knex rejects).
// Not verified against a live server.
import { test } from "node:test";
import assert from "node:assert/strict";
import knex, { type Knex } from "knex";
import {
  atomicAcquireSql,
  atomicRenewSql,
  DB_NOW_MS,
  introspect,
  isConcurrentCreate,
  isDuplicateKey,
  takeSchemaLock,
  writerStatus,
} from "../../components/visor/dialects";
import { insertLock, releaseLock, renewLock, takeOverExpiredLock } from "../../components/visor/lock-statements";
import { SCHEDULES, VISOR_TABLES, type ColumnSpec } from "../../components/visor/schema-definition";
import { addToTable, defineTable } from "../../components/visor/table-ddl";
import { knexConfig } from "../../components";

const mssql = () => knex({ client: "mssql" });
const TYPES: Record<string, (c: ColumnSpec) => string> = {
  varchar: (c) => `nvarchar(${c.length})`,
  text: () => "nvarchar(max)",
  bigint: () => "bigint",
  integer: () => "int",
  boolean: () => "bit",
};
const escape = (text: string) => text.replace(/[[\]()]/g, "\\$&");

test("the connection maps to knex's mssql client with tedious options", () => {
  const config = knexConfig({ url: "sqlserver://visor:pw@sql.example.com:1433/visor", ssl: { mode: "verify-full" } });
  assert.equal(config.client, "mssql");
  const c = config.connection as { server: string; port: number; options: { encrypt: boolean; trustServerCertificate: boolean } };
  assert.equal(c.server, "sql.example.com");
  assert.equal(c.port, 1433);
  assert.deepEqual(c.options, { encrypt: true, trustServerCertificate: false });
});

test("the project's table definitions compile to SQL Server DDL: each column's type, nullability, default, key and index", () => {
  for (const spec of VISOR_TABLES) {
    const [create, ...indexes] = mssql().schema.createTable(spec.name, defineTable(spec)).toSQL();
    for (const c of spec.columns) {
      const value = c.default === true ? 1 : c.default === false ? 0 : c.default;
      const def = c.default === undefined ? "" : ` CONSTRAINT [${spec.name}_${c.name}_default] DEFAULT '${value}'`;
      const column = `[${c.name}] ${TYPES[c.type]!(c)}${c.nullable ? "" : " not null"}${def}`;
      assert.match(create!.sql, new RegExp(`${escape(column)}[,)]`), `${spec.name}.${c.name}`);
    }
    const primary = spec.columns.filter((c) => c.primary).map((c) => `[${c.name}]`);
    assert.ok(create!.sql.endsWith(`CONSTRAINT [${spec.name}_pkey] PRIMARY KEY (${primary.join(", ")}))`), spec.name);
    assert.deepEqual(
      indexes.map((q) => q.sql),
      spec.indexes.map((i) => `CREATE INDEX [${i.name}] ON [${spec.name}] (${i.columns.map((c) => `[${c}]`).join(", ")})`),
    );
  }
});

test("bootstrap's additions to an existing SQL Server table: nullable columns and indexes, nothing else", () => {
  const guideOnly = SCHEDULES.columns.filter((c) => c.guideOnly);
  const sql = mssql()
    .schema.alterTable("schedules", addToTable(guideOnly, [SCHEDULES.indexes[1]!]))
    .toSQL()
    .map((q) => q.sql);
  assert.deepEqual(sql, [
    "ALTER TABLE [schedules] ADD [claimed_by] nvarchar(255), [claimed_at] bigint, [lock_token] nvarchar(36)",
    "CREATE INDEX [idx_schedules_status] ON [schedules] ([status])",
  ]);
});

/** A knex stand-in that records raw SQL and answers with `rows` (SQL Server's driver returns plain arrays). */
function recorder(rows: unknown[] = []) {
  const sql: string[] = [];
  const db = {
    raw: async (text: string) => {
      sql.push(text);
      return rows;
    },
  } as unknown as Knex & Knex.Transaction;
  return { db, sql };
}

test("SQL Server's schema lock, writer check, catalog queries and race errors come from the project's dialect code", async () => {
  const lock = recorder();
  await takeSchemaLock(lock.db, "mssql");
  assert.deepEqual(lock.sql, [
    "EXEC sp_getapplock @Resource = 'visor-db-infra:schema', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 120000",
  ]);
  assert.equal((await writerStatus(recorder([{ u: "READ_WRITE" }]).db, "mssql")).isWriter, true);
  const readOnly = await writerStatus(recorder([{ u: "READ_ONLY" }]).db, "mssql");
  assert.deepEqual(readOnly, { isWriter: false, detail: "database Updateability is READ_ONLY" });
  const catalog = recorder();
  await introspect(catalog.db, "mssql", ["schedules"]);
  assert.match(catalog.sql[0]!, /FROM information_schema\.columns WHERE table_schema = SCHEMA_NAME\(\)/);
  assert.match(catalog.sql[1]!, /FROM sys\.indexes i JOIN sys\.tables t/);
  for (const number of [2714, 1913, 2705]) assert.equal(isConcurrentCreate("mssql", { number }), true, String(number));
  assert.equal(isConcurrentCreate("mssql", { number: 2627 }), false, "a duplicate key is not a concurrent create");
  assert.equal(isDuplicateKey("mssql", { number: 2627 }), true);
});

test("the atomic acquire is one MERGE WITH (HOLDLOCK) timed by the server clock", () => {
  const { sql, bindings } = atomicAcquireSql("mssql", "lock-1", "node-a", "tok", 60_000);
  assert.match(sql, /^DECLARE @now bigint = DATEDIFF_BIG\(millisecond, '19700101', SYSUTCDATETIME\(\)\);/);
  assert.match(sql, /MERGE scheduler_locks WITH \(HOLDLOCK\) AS l/);
  assert.match(
    sql,
    /WHEN MATCHED AND l\.expires_at < @now THEN\s+UPDATE SET node_id = s\.node_id, lock_token = s\.lock_token, acquired_at = @now, expires_at = @now \+ \?/,
  );
  assert.match(sql, /WHEN NOT MATCHED THEN\s+INSERT \(lock_id, node_id, lock_token, acquired_at, expires_at\)/);
  assert.match(sql, /OUTPUT inserted\.acquired_at, inserted\.expires_at;$/);
  assert.deepEqual(bindings, ["lock-1", "node-a", "tok", 60_000, 60_000]);
  const renew = atomicRenewSql("mssql", "lock-1", "tok", 60_000);
  assert.match(
    renew.sql,
    /UPDATE scheduler_locks SET acquired_at = @now, expires_at = @now \+ \? OUTPUT inserted\.acquired_at, inserted\.expires_at WHERE lock_id = \? AND lock_token = \?/,
  );
  assert.equal(DB_NOW_MS.mssql, "DATEDIFF_BIG(millisecond, '19700101', SYSUTCDATETIME())");
});

test("the project's node-clock lock statements (what SchedulerLocks sends, as Visor does) compile for SQL Server", () => {
  const db = mssql();
  const row = { node_id: "n", lock_token: "t", acquired_at: 5, expires_at: 65 };
  const takeOver = takeOverExpiredLock(db, "l", 5, row).toSQL();
  assert.equal(
    takeOver.sql,
    "update [scheduler_locks] set [node_id] = ?, [lock_token] = ?, [acquired_at] = ?, [expires_at] = ? where [lock_id] = ? and [expires_at] < ?;select @@rowcount",
  );
  assert.deepEqual(takeOver.bindings, ["n", "t", 5, 65, "l", 5]);
  const insert = insertLock(db, "l", row).toSQL();
  assert.equal(
    insert.sql,
    "insert into [scheduler_locks] ([acquired_at], [expires_at], [lock_id], [lock_token], [node_id]) values (?, ?, ?, ?, ?)",
  );
  assert.deepEqual(insert.bindings, [5, 65, "l", "t", "n"]);
  const renew = renewLock(db, "l", "t", 5, 60).toSQL();
  assert.equal(
    renew.sql,
    "update [scheduler_locks] set [acquired_at] = ?, [expires_at] = ? where [lock_id] = ? and [lock_token] = ?;select @@rowcount",
  );
  assert.deepEqual(renew.bindings, [5, 65, "l", "t"]);
  const release = releaseLock(db, "l", "t").toSQL();
  assert.equal(release.sql, "delete from [scheduler_locks] where [lock_id] = ? and [lock_token] = ?;select @@rowcount");
  assert.deepEqual(release.bindings, ["l", "t"]);
});

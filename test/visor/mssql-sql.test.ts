// SQL Server: no server runs here, so the generated SQL is checked as text (knex client `mssql` over
// tedious; Visor itself passes client `tedious`, which knex rejects). Not verified against a live server.
import { test } from "node:test";
import assert from "node:assert/strict";
import knex from "knex";
import { atomicAcquireSql, atomicRenewSql, DB_NOW_MS } from "../../components/visor/dialects";
import { knexConfig } from "../../components";

test("the connection maps to knex's mssql client with tedious options", () => {
  const config = knexConfig({ url: "sqlserver://visor:pw@sql.example.com:1433/visor", ssl: { mode: "verify-full" } });
  assert.equal(config.client, "mssql");
  const c = config.connection as { server: string; port: number; options: { encrypt: boolean; trustServerCertificate: boolean } };
  assert.equal(c.server, "sql.example.com");
  assert.equal(c.port, 1433);
  assert.deepEqual(c.options, { encrypt: true, trustServerCertificate: false });
});

test("the schema compiles to SQL Server DDL with the guide's types", () => {
  const db = knex({ client: "mssql" });
  const sql = db.schema
    .createTable("scheduler_locks", (t) => {
      t.string("lock_id", 255).primary().notNullable();
      t.bigInteger("expires_at").notNullable();
      t.boolean("enabled").notNullable().defaultTo(true);
    })
    .toString();
  assert.match(
    sql,
    /CREATE TABLE \[scheduler_locks\] \(\[lock_id\] nvarchar\(255\) not null, \[expires_at\] bigint not null, \[enabled\] bit not null CONSTRAINT \[scheduler_locks_enabled_default\] DEFAULT '1'/,
  );
  assert.match(sql, /PRIMARY KEY \(\[lock_id\]\)/);
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

test("Visor's node-clock protocol compiles to the same statements Visor sends", () => {
  const db = knex({ client: "mssql" });
  const update = db("scheduler_locks")
    .where("lock_id", "l")
    .andWhere("expires_at", "<", 5)
    .update({ node_id: "n", lock_token: "t", acquired_at: 5, expires_at: 65 })
    .toSQL();
  assert.match(
    update.sql,
    /update \[scheduler_locks\] set \[node_id\] = \?, \[lock_token\] = \?, \[acquired_at\] = \?, \[expires_at\] = \? where \[lock_id\] = \? and \[expires_at\] < \?/,
  );
  const release = db("scheduler_locks").where({ lock_id: "l", lock_token: "t" }).delete().toSQL();
  assert.match(release.sql, /delete from \[scheduler_locks\] where \[lock_id\] = \? and \[lock_token\] = \?/);
});

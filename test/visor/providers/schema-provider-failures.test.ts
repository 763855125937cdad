// The VisorSchema provider's failures, called directly as the engine calls it, against real servers: a
// wrong password, the read replica, a password in an invalid URL; and one pool per create.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { schemaProviderLogic, type SchemaProviderInputs } from "../../../components/visor/providers/schema-logic";
import { need, scratchDatabase, servers } from "../../support/servers";
import type { Endpoint } from "../../../scripts/local-env/environment";
import { VISOR_TABLES, connectionOf, createOn, tablesIn } from "./schema-provider-support";

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

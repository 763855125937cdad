// Serialization-faithful: each provider is serialized exactly as `pulumi.dynamic.Resource` does it
// (`serializeFunction(() => provider, { allowSecrets: true })`), then loaded in a fresh Node process the way
// the engine's dynamic-provider host does (`require("require-from-string")(text).handler()`) and driven
// through create → diff → update → read → delete against a real scratch database.
//
// The fresh process runs in a directory laid out like a Pulumi program that depends on this package
// (node_modules/visor-db-infra → this checkout), because that is where the engine runs it: the serialized
// module has no file name, so `require("visor-db-infra")` resolves from the working directory's node_modules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { homedir, tmpdir } from "node:os";
import * as pulumi from "@pulumi/pulumi";
import { Client } from "pg";
import {
  SCHEMA_VERSION,
  bootstrapSchema,
  schemaProvider as srcSchemaProvider,
  smokeTestProvider as srcSmokeTestProvider,
} from "../../../components";
import { scratchDatabase, servers } from "../../support/servers";
import type { Endpoint } from "../../../scripts/local-env/environment";
import { REPO, runInFreshProcess, texts, useSerializedProviders } from "./serialized-support";

useSerializedProviders();
const VISOR_TABLES = ["message_triggers", "scheduler_locks", "schedules"];

function connectionOf(ep: Endpoint) {
  return { host: ep.host, port: ep.port, database: ep.database, user: ep.user, password: ep.password };
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
  return (
    await sql<{ t: string }>(ep, "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
  ).map((r) => r.t);
}

async function schedulesChecksum(ep: Endpoint): Promise<{ n: number; sum: string }> {
  const [r] = await sql<{ n: number; sum: string }>(
    ep,
    "SELECT count(*)::int AS n, md5(coalesce(string_agg(to_jsonb(s)::text, '|' ORDER BY id), '')) AS sum FROM schedules s",
  );
  return r!;
}

test("the serialized providers hold no password, no path of this machine and no captured module", async () => {
  const { postgres } = await servers();
  const forbidden = [postgres.writer.password, "/work/", "/tmp/", "/root/", process.cwd(), REPO, homedir(), tmpdir()];
  // The source build (what this repository's own programs would serialize) must be just as clean.
  const srcTexts = await Promise.all(
    [srcSchemaProvider, srcSmokeTestProvider].map(
      async (p) => (await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true })).text,
    ),
  );
  for (const [label, text] of [
    ["schema (dist)", texts.schema],
    ["smoke (dist)", texts.smoke],
    ["schema (src)", srcTexts[0]!],
    ["smoke (src)", srcTexts[1]!],
  ] as const) {
    for (const f of forbidden) assert.ok(!text.includes(f), `${label}: the serialized provider contains ${JSON.stringify(f)}`);
    assert.match(text, /exports\.handler = /, label);
    assert.match(text, /createRequire\(.*\)\(PACKAGE\)/, label);
    assert.match(text, /PACKAGE: "visor-db-infra\/internal\/providers"/, label);
    // A few thin functions: no driver, no knex, no pulumi runtime pulled into the closure.
    assert.ok(text.length < 5000, `${label}: ${text.length} characters serialized`);
    assert.doesNotMatch(text, /knex|sqlite|tedious|mysql2|\bpg\b|__awaiter|process\.env/, label);
  }
});

test("fresh process: VisorSchema create → diff → update → read → delete against a scratch database", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "ser");
  const inputs = { connection: connectionOf(ep), retainOnDelete: true };

  const checked = await runInFreshProcess("schema", "check", [{}, inputs]);
  assert.deepEqual(checked.result, { inputs, failures: [] });

  const created = await runInFreshProcess("schema", "create", [inputs]);
  assert.ok(created.ok, created.message);
  const { id, outs } = created.result as { id: string; outs: Record<string, unknown> };
  assert.equal(id, `postgresql://${ep.host}:${ep.port}/${ep.database}`);
  assert.equal(outs.schemaVersion, SCHEMA_VERSION);
  assert.deepEqual([...(outs.tables as string[])].sort(), VISOR_TABLES);
  assert.equal((outs.indexes as string[]).length, 5);
  assert.deepEqual(await tablesIn(ep), VISOR_TABLES);

  // Rows Visor wrote since, then a package upgrade (older schemaVersion in the state, an index missing).
  await sql(
    ep,
    `INSERT INTO schedules (id, creator_id, is_recurring, status, created_at, workflow_inputs)
     SELECT 'r' || g, 'c', true, 'active', 1700000000000 + g, '{"g":' || g || '}' FROM generate_series(1, 40) g`,
  );
  await sql(ep, "DROP INDEX idx_schedules_status_next_run");
  const before = await schedulesChecksum(ep);
  const olds = { ...outs, schemaVersion: "0.9.0" };

  const diffed = await runInFreshProcess("schema", "diff", [id, olds, inputs]);
  assert.ok(diffed.ok, diffed.message);
  assert.equal(diffed.result.changes, true);
  assert.deepEqual(diffed.result.replaces, []);

  const updated = await runInFreshProcess("schema", "update", [id, olds, inputs]);
  assert.ok(updated.ok, updated.message);
  assert.equal(updated.result.outs.schemaVersion, SCHEMA_VERSION);
  assert.equal(updated.result.outs.indexes.length, 5, "update re-created the missing index");
  assert.deepEqual(await schedulesChecksum(ep), before, "update kept every row");

  await sql(ep, "DROP INDEX idx_schedules_status");
  const read = await runInFreshProcess("schema", "read", [id, updated.result.outs]);
  assert.ok(read.ok, read.message);
  assert.equal(read.result.props.indexes.length, 4);
  assert.match(read.result.props.drift.join("\n"), /idx_schedules_status/);

  const deleted = await runInFreshProcess("schema", "delete", [id, updated.result.outs]);
  assert.ok(deleted.ok, deleted.message);
  assert.deepEqual(await tablesIn(ep), VISOR_TABLES, "delete kept the tables by default");
  assert.deepEqual(await schedulesChecksum(ep), before, "delete kept the rows by default");

  const dropped = await runInFreshProcess("schema", "delete", [id, { ...updated.result.outs, retainOnDelete: false }]);
  assert.ok(dropped.ok, dropped.message);
  assert.deepEqual(await tablesIn(ep), []);
});

test("fresh process: VisorHaSmokeTest create → diff → update → delete; a failure keeps the password out", async () => {
  const ep = await scratchDatabase((await servers()).postgres, "ser");
  await bootstrapSchema(connectionOf(ep));
  const inputs = { connection: connectionOf(ep), rerunOnEveryUp: true, trigger: "2026-01-01T00:00:00.000Z" };

  const created = await runInFreshProcess("smoke", "create", [inputs]);
  assert.ok(created.ok, created.message);
  assert.equal(created.result.outs.passed, true);
  assert.equal(created.result.outs.via, "direct");
  assert.equal(created.result.outs.isWriter, true);
  assert.equal(created.result.outs.checks["mutual-exclusion"].passed, true);

  const news = { ...inputs, trigger: "2026-01-02T00:00:00.000Z" };
  const diffed = await runInFreshProcess("smoke", "diff", [created.result.id, created.result.outs, news]);
  assert.deepEqual(diffed.result, { changes: true, replaces: [], deleteBeforeReplace: false });

  const updated = await runInFreshProcess("smoke", "update", [created.result.id, created.result.outs, news]);
  assert.ok(updated.ok, updated.message);
  assert.equal(updated.result.outs.passed, true);
  assert.equal(updated.result.outs.trigger, news.trigger);

  const deleted = await runInFreshProcess("smoke", "delete", [created.result.id, updated.result.outs]);
  assert.ok(deleted.ok, deleted.message);
  assert.deepEqual(await tablesIn(ep), VISOR_TABLES, "the smoke test's delete touches nothing");

  const wrong = "Wr0ng-serialized-pw";
  const failed = await runInFreshProcess("smoke", "create", [{ connection: { ...connectionOf(ep), password: wrong } }]);
  assert.equal(failed.ok, false);
  assert.match(failed.message!, /authentication failed/);
  assert.ok(!failed.message!.includes(wrong) && !failed.message!.includes(ep.password), failed.message);
});

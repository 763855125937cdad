// A large store is streamed, never loaded whole: 50,000 schedules (about 100 MB of SQLite) migrate into
// PostgreSQL in a process whose V8 heap is capped well below the store's size, while loading the same store
// whole under the same cap runs out of memory (so the cap really is smaller than the data).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { openKnex } from "../../../components/visor/connection";
import { collect } from "../../support/cli";
import { scratchDatabase, servers } from "../../support/servers";
import { visorSqliteStore } from "../../visor/fixtures/visor-sqlite-store";

const HEAP_MB = 64;
const ROWS = 50_000;
const OPS = join(__dirname, "..", "..", "..", "scripts", "ops");

/** Runs `code` in a fresh Node (with tsx) whose old-space heap is capped at HEAP_MB. */
function capped(code: string) {
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, "--import", "tsx", "-e", code], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collect(child, 600_000);
}

test(`${ROWS} schedules migrate with the heap capped at ${HEAP_MB} MB; reading the store whole under that cap fails`, async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "stream");
  const file = visorSqliteStore({ schedules: ROWS, triggers: 500, locks: 0, padding: 1500 });
  assert.ok(statSync(file).size > 90 * 1024 * 1024, `the store is larger than the heap (${statSync(file).size} bytes)`);

  const whole = await capped(`require(${JSON.stringify(join(OPS, "sqlite-source"))}).readVisorStore(${JSON.stringify(file)})`);
  assert.notEqual(whole.code, 0, "the whole store fits under the cap: the cap would prove nothing");
  assert.match(whole.stderr, /heap out of memory/);

  const run = await capped(
    `require(${JSON.stringify(join(OPS, "sqlite-migration"))})
      .migrateSqlite({ from: ${JSON.stringify(file)}, connection: { url: ${JSON.stringify(db.url)} }, batchSize: 500 })
      .then((r) => console.log(JSON.stringify(r.tables.map((t) => [t.table, t.source, t.inserted, t.targetRows, t.verified]))))`,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [
    ["schedules", ROWS, ROWS, ROWS, true],
    ["message_triggers", 500, 500, 500, true],
  ]);
  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    assert.equal(Number((await k("schedules").count({ n: "*" }))[0]!.n), ROWS);
    const row = await k("schedules").where({ id: "00000000-0000-4000-8000-000000049999" }).first();
    assert.equal(row.previous_response.length, 1500);
  } finally {
    await k.destroy();
  }
});

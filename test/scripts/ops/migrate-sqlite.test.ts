// `visor-db migrate-sqlite` against real servers: Visor's SQLite store (made here with better-sqlite3 and
// Visor's column names) and the legacy JSON store, into PostgreSQL and MariaDB; dry run writes nothing,
// a re-run inserts nothing, rows that differ are reported and left alone, per-row checksums match.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openKnex } from "../../../components/visor/connection";
import { SCHEDULER_LOCKS, SCHEDULES } from "../../../components/visor/schema-definition";
import { hashRows, tableHashes } from "../../../scripts/ops/checksum";
import { readVisorStore } from "../../../scripts/ops/sqlite-source";
import { migrateSqlite } from "../../../scripts/ops/sqlite-migration";
import { runCli } from "../../support/cli";
import { scratchMariaDb } from "../../support/mariadb";
import { need, scratchDatabase, servers } from "../../support/servers";
import { failureLines, lockRow, scheduleRow } from "./fixtures";

/** Visor's `.visor/schedules.db`: its column names, INTEGER 0/1 booleans, epoch-ms INTEGERs, JSON as TEXT; plus a column we do not know. */
function visorSqlite(schedules: number, locks: number, mutate?: (row: Record<string, unknown>, i: number) => void): string {
  const file = join(mkdtempSync(join(tmpdir(), "visor-sqlite-")), "schedules.db");
  const db = new Database(file);
  db.exec(`CREATE TABLE schedules (
      id VARCHAR(36) PRIMARY KEY, creator_id VARCHAR(255) NOT NULL, creator_context VARCHAR(255), creator_name VARCHAR(255),
      timezone VARCHAR(64) NOT NULL DEFAULT 'UTC', schedule_expr VARCHAR(255), run_at BIGINT, is_recurring BOOLEAN NOT NULL,
      original_expression TEXT, workflow VARCHAR(255), workflow_inputs TEXT, output_context TEXT, status VARCHAR(20) NOT NULL,
      created_at BIGINT NOT NULL, last_run_at BIGINT, next_run_at BIGINT, run_count INTEGER NOT NULL DEFAULT 0,
      failure_count INTEGER NOT NULL DEFAULT 0, last_error TEXT, previous_response TEXT, claimed_by VARCHAR(255),
      claimed_at BIGINT, lock_token VARCHAR(36), legacy_flag INTEGER);
    CREATE TABLE scheduler_locks (lock_id VARCHAR(255) PRIMARY KEY, node_id VARCHAR(255) NOT NULL, lock_token VARCHAR(36) NOT NULL,
      acquired_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);`);
  const cols = SCHEDULES.columns.map((c) => c.name);
  const ins = db.prepare(`INSERT INTO schedules (${cols.join(", ")}, legacy_flag) VALUES (${cols.map(() => "?").join(", ")}, 1)`);
  const insLock = db.prepare("INSERT INTO scheduler_locks VALUES (?, ?, ?, ?, ?)");
  db.transaction(() => {
    for (let i = 0; i < schedules; i++) {
      const row = scheduleRow(i);
      row.is_recurring = row.is_recurring ? 1 : 0; // SQLite has no booleans
      mutate?.(row, i);
      ins.run(...cols.map((c) => row[c] as string | number | null));
    }
    const now = Date.now();
    for (let i = 0; i < locks; i++) {
      const l = lockRow(i, now);
      insLock.run(l.lock_id, l.node_id, l.lock_token, l.acquired_at, l.expires_at);
    }
  })();
  db.close();
  return file;
}

async function targetTables(url: string): Promise<string[]> {
  const db = await openKnex({ url }, { pool: { min: 0, max: 1 } });
  try {
    const out: string[] = [];
    for (const t of ["schedules", "scheduler_locks", "message_triggers"]) if (await db.schema.hasTable(t)) out.push(t);
    return out;
  } finally {
    await db.destroy();
  }
}

test("SQLite → PostgreSQL: dry run writes nothing; the copy matches row for row; a re-run inserts nothing", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "mig");
  const file = visorSqlite(1200, 4);

  const dry = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--dry-run", "--json"]);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout);
  assert.equal(plan.dryRun, true);
  assert.deepEqual(plan.schemaCreated, ["schedules", "scheduler_locks", "message_triggers"]);
  assert.equal(plan.tables[0].inserted, 1200);
  assert.deepEqual(plan.unknownFields, ["schedules.legacy_flag"]);
  assert.deepEqual(await targetTables(db.url), [], "--dry-run created nothing");

  const run = await runCli(["migrate-sqlite", "--from", file, "--to", db.url]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /created: schedules, scheduler_locks, message_triggers/);
  assert.match(
    run.stdout,
    /schedules: 1200 in source, 1200 inserted, 0 already there, 0 differ; target now 1200 row\(s\); checksums match/,
  );
  assert.match(run.stdout, /not copied \(unknown fields\): schedules\.legacy_flag/);
  assert.match(run.stdout, /^MIGRATED$/m);
  assert.match(run.stderr, /visor-db migrate-sqlite: read 1200 schedule\(s\) from .* \(sqlite\)/);

  // Per-row checksums: the SQLite rows, typed by Visor's schema, hash exactly as the PostgreSQL rows do.
  const source = hashRows(SCHEDULES, readVisorStore(file).schedules);
  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    const target = (await tableHashes(k, SCHEDULES))!;
    assert.deepEqual([...target.hashes].sort(), [...source.hashes].sort());
    const row = await k("schedules").where({ id: "00000000-0000-4000-8000-000000000011" }).first();
    assert.equal(row.is_recurring, true);
    assert.equal(row.creator_name, "Zoë ✓ 日本");
    assert.equal(row.created_at, String(1_790_000_000_000 - 11 * 60_000));
    assert.deepEqual(JSON.parse(row.workflow_inputs), {
      n: 11,
      text: 'quote " and \\ backslash 11',
      nested: { ok: false, list: [1, 2, 11] },
    });
    for (const r of await k("schedules").select("workflow_inputs", "output_context")) {
      JSON.parse(r.workflow_inputs);
      if (r.output_context !== null) JSON.parse(r.output_context);
    }
    assert.equal(Number((await k("scheduler_locks").count({ n: "*" }))[0]!.n), 0, "locks only when asked");
  } finally {
    await k.destroy();
  }

  const again = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--locks", "--json"]);
  assert.equal(again.code, 0, again.stderr);
  const second = JSON.parse(again.stdout);
  assert.deepEqual(
    second.tables.map((t: Record<string, unknown>) => [t.table, t.inserted, t.unchanged, t.targetRows, t.verified]),
    [
      ["schedules", 0, 1200, 1200, true],
      ["scheduler_locks", 4, 0, 4, true],
    ],
    "nothing inserted twice; the locks, asked for this time, are copied",
  );
});

test("rows already in the target that differ are reported, left alone, and fail the run; new rows still arrive", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "conflict");
  const file = visorSqlite(30, 0);
  const first = await migrateSqlite({ from: file, connection: { url: db.url } });
  assert.equal(first.passed, true);
  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    await k("schedules").where({ id: "00000000-0000-4000-8000-000000000003" }).update({ run_count: 41 });
    await k("schedules").where({ id: "00000000-0000-4000-8000-000000000029" }).delete();
    const res = await runCli(["migrate-sqlite", "--from", file, "--to", db.url]);
    assert.equal(res.code, 1);
    assert.match(res.stdout, /schedules: 30 in source, 1 inserted, 28 already there, 1 differ/);
    assert.match(res.stdout, /differ \(left as they are\): 00000000-0000-4000-8000-000000000003/);
    assert.deepEqual(failureLines(res.stderr), [
      "visor-db: migrate-sqlite: 1 row(s) already in the target differ from the source and were left as they are",
    ]);
    assert.equal((await k("schedules").where({ id: "00000000-0000-4000-8000-000000000003" }).first()).run_count, 41);
    assert.equal(Number((await k("schedules").count({ n: "*" }))[0]!.n), 30);
  } finally {
    await k.destroy();
  }
});

test("invalid JSON in the source, or a file that is not Visor's store: one line, nothing written (not even the schema)", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "badjson");
  const file = visorSqlite(10, 0, (row, i) => {
    if (i === 4) row.workflow_inputs = "{not json";
  });
  const res = await runCli(["migrate-sqlite", "--from", file, "--to", db.url]);
  assert.equal(res.code, 1);
  assert.deepEqual(failureLines(res.stderr), [
    `visor-db: migrate-sqlite: ${file}: 1 problem(s), nothing was copied: schedules 00000000-0000-4000-8000-000000000004: workflow_inputs is not valid JSON`,
  ]);
  assert.deepEqual(await targetTables(db.url), []);
  const noTable = join(mkdtempSync(join(tmpdir(), "visor-sqlite-")), "other.db");
  new Database(noTable).exec("CREATE TABLE t (x)");
  await assert.rejects(
    migrateSqlite({ from: noTable, connection: { url: db.url } }),
    /has no schedules table: is it Visor's \.visor\/schedules\.db\?/,
  );
});

test("legacy .visor/schedules.json (camelCase, snake_case, objects for JSON) → MariaDB, unknown fields reported, re-run idempotent", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  const file = join(mkdtempSync(join(tmpdir(), "visor-json-")), "schedules.json");
  writeFileSync(
    file,
    JSON.stringify({
      schedules: [
        {
          id: "11111111-1111-4111-8111-111111111111",
          creatorId: "U1",
          creatorName: "Zoë",
          timezone: "Europe/Prague",
          schedule: "0 9 * * 1",
          isRecurring: true,
          originalExpression: "every Monday at 9",
          workflow: "standup",
          workflowInputs: { channel: "#team", mention: ["@a", "@b"] },
          outputContext: { type: "slack", channel: "C1" },
          status: "active",
          createdAt: "2026-02-14T09:00:00.000Z",
          nextRunAt: 1_771_232_400_000,
          runCount: 3,
          failureCount: 0,
          previousResponse: { text: "done" },
          futureField: true,
        },
        {
          id: "22222222-2222-4222-8222-222222222222",
          creator_id: "U2",
          run_at: 1_771_000_000_000,
          workflow: "reminder",
          workflow_inputs: '{"text":"hi"}',
          created_at: 1_770_000_000_000,
          status: "completed",
          lastError: null,
          mystery: 1,
        },
      ],
    }),
  );
  const res = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--json"]);
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  assert.equal(out.kind, "json");
  assert.deepEqual(out.unknownFields, ["futureField", "mystery"]);
  assert.equal(out.tables[0].inserted, 2);
  assert.equal(out.tables[0].verified, true);
  const [rows] = await db.admin.query(`SELECT * FROM ${db.database}.schedules ORDER BY id`);
  const [a, b] = rows as Record<string, unknown>[];
  assert.equal(a!.schedule_expr, "0 9 * * 1");
  assert.equal(a!.is_recurring, 1);
  assert.equal(Number(a!.created_at), Date.parse("2026-02-14T09:00:00.000Z"));
  assert.deepEqual(JSON.parse(String(a!.workflow_inputs)), { channel: "#team", mention: ["@a", "@b"] });
  assert.deepEqual(JSON.parse(String(a!.previous_response)), { text: "done" });
  assert.equal(b!.is_recurring, 0, "no schedule expression: a one-off");
  assert.equal(b!.timezone, "UTC", "the schema's default");
  assert.equal(b!.run_count, 0);
  const again = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).tables[0].inserted, 0);
  assert.equal(JSON.parse(again.stdout).tables[0].unchanged, 2);
  await assert.rejects(
    migrateSqlite({ from: file, connection: { url: db.url }, locks: true }),
    /--locks: the legacy JSON store has no scheduler_locks/,
  );
});

test("SQLite → MariaDB with locks, in one transaction, checksums compared", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  const file = visorSqlite(500, 6);
  const result = await migrateSqlite({ from: file, connection: { url: db.url }, locks: true, batchSize: 200 });
  assert.equal(result.passed, true);
  assert.deepEqual(
    result.tables.map((x) => [x.table, x.inserted, x.verified]),
    [
      ["schedules", 500, true],
      ["scheduler_locks", 6, true],
    ],
  );
  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    const store = readVisorStore(file, { locks: true });
    assert.deepEqual(
      [...(await tableHashes(k, SCHEDULES))!.hashes].sort(),
      [...hashRows(SCHEDULES, store.schedules).hashes].sort(),
    );
    assert.deepEqual(
      [...(await tableHashes(k, SCHEDULER_LOCKS))!.hashes].sort(),
      [...hashRows(SCHEDULER_LOCKS, store.locks!).hashes].sort(),
    );
  } finally {
    await k.destroy();
  }
});

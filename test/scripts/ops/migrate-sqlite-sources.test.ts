// `visor-db migrate-sqlite` beyond the happy path: rows already in the target that differ are reported and
// left alone, invalid JSON or a file that is not Visor's store writes nothing, and the legacy
// `.visor/schedules.json` (camelCase or snake_case) reaches MariaDB with a re-run inserting nothing; and the
// byte checksum every comparison rests on tells apart what a lenient UTF-8 decode would merge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openKnex } from "../../../components/visor/connection";
import { MESSAGE_TRIGGERS } from "../../../components/visor/schema-definition";
import { rowBytesHash, rowHash } from "../../../scripts/ops/checksum";
import { migrateSqlite } from "../../../scripts/ops/sqlite-migration";
import { runCli } from "../../support/cli";
import { scratchMariaDb } from "../../support/mariadb";
import { need, scratchDatabase, servers } from "../../support/servers";
import { messageTriggerRow, visorSqliteStore } from "../../visor/fixtures/visor-sqlite-store";
import { failureLines, targetTables } from "./fixtures";

test("rows already in the target that differ are reported, left alone, and fail the run; new rows still arrive", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "conflict");
  const file = visorSqliteStore({ schedules: 30, triggers: 0, locks: 0 });
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
  const file = visorSqliteStore({
    schedules: 10,
    triggers: 0,
    locks: 0,
    raw: [{ table: "schedules", id: "00000000-0000-4000-8000-000000000004", column: "workflow_inputs", sql: "'{not json'" }],
  });
  const res = await runCli(["migrate-sqlite", "--from", file, "--to", db.url]);
  assert.equal(res.code, 1);
  assert.deepEqual(failureLines(res.stderr), [
    `visor-db: migrate-sqlite: ${file}: 1 problem(s), nothing was copied: schedules 00000000-0000-4000-8000-000000000004: workflow_inputs is not valid JSON`,
  ]);
  assert.deepEqual(await targetTables(db.url), []);
  const noTable = join(mkdtempSync(join(tmpdir(), "visor-sqlite-")), "other.db");
  const other = new DatabaseSync(noTable);
  other.exec("CREATE TABLE t (x)");
  other.close();
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

test("checksums see what decoding hides: invalid UTF-8 and the U+FFFD a lenient read makes of it differ", () => {
  const row = messageTriggerRow(1);
  const raw = Buffer.from([0x68, 0xff, 0xfe, 0x69]);
  const lenient = raw.toString("utf8");
  assert.equal(lenient, "h\uFFFD\uFFFDi");
  // A value kept as bytes hashes by its bytes in both checksums, so its lenient decoding never matches it.
  assert.notEqual(
    rowHash(MESSAGE_TRIGGERS, { ...row, description: raw }),
    rowHash(MESSAGE_TRIGGERS, { ...row, description: lenient }),
  );
  assert.notEqual(
    rowBytesHash(MESSAGE_TRIGGERS, { ...row, description: raw }),
    rowBytesHash(MESSAGE_TRIGGERS, { ...row, description: lenient }),
  );
  const text = "\uFEFFnaïve 😀";
  assert.equal(
    rowBytesHash(MESSAGE_TRIGGERS, { ...row, description: Buffer.from(text, "utf8") }),
    rowBytesHash(MESSAGE_TRIGGERS, { ...row, description: text }),
    "valid UTF-8 hashes alike as the source's bytes and as the target's text",
  );
  assert.notEqual(
    rowBytesHash(MESSAGE_TRIGGERS, { ...row, description: "ab", contains: "c" }),
    rowBytesHash(MESSAGE_TRIGGERS, { ...row, description: "a", contains: "bc" }),
  );
  assert.notEqual(
    rowBytesHash(MESSAGE_TRIGGERS, { ...row, description: null }),
    rowBytesHash(MESSAGE_TRIGGERS, { ...row, description: "" }),
  );
});

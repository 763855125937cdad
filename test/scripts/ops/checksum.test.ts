// The pieces every comparison rests on, without servers: one value has one canonical form whichever
// database it came from, and the source reader types, validates and maps Visor's stores.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCHEDULES } from "../../../components/visor/schema-definition";
import { canonicalValue, compareHashes, hashRows, rowHash } from "../../../scripts/ops/checksum";
import { defaultBackupName } from "../../../scripts/ops/backup";
import { readVisorStore, typeRows } from "../../../scripts/ops/sqlite-source";
import { pgMajorFromVersionNum, toolError } from "../../../scripts/ops/tools";
import { scheduleRow } from "./fixtures";

const col = (name: string) => SCHEDULES.columns.find((c) => c.name === name)!;

test("a value has one canonical form whether it came from SQLite, PostgreSQL or MySQL", () => {
  for (const v of [true, 1, 1n, "1", "t", "true"]) assert.equal(canonicalValue(col("is_recurring"), v), "true");
  for (const v of [false, 0, 0n, "0", "f"]) assert.equal(canonicalValue(col("is_recurring"), v), "false");
  // BIGINT: node-pg and mysql2 (bigNumberStrings) give strings, node:sqlite with setReadBigInts gives bigints.
  for (const v of [9_007_199_254_740_993n, "9007199254740993"])
    assert.equal(canonicalValue(col("created_at"), v), "9007199254740993");
  assert.equal(canonicalValue(col("run_count"), 7), "7");
  assert.equal(canonicalValue(col("last_error"), null), null);
  assert.throws(() => canonicalValue(col("is_recurring"), "yes"), /is_recurring must be a boolean/);
  assert.throws(() => canonicalValue(col("run_at"), 1.5), /run_at must be an integer/);

  const pgRow = { ...scheduleRow(5), created_at: String(scheduleRow(5).created_at), is_recurring: true };
  const sqliteRow = { ...scheduleRow(5), created_at: BigInt(scheduleRow(5).created_at as number), is_recurring: 1n };
  const mysqlRow = { ...scheduleRow(5), created_at: String(scheduleRow(5).created_at), is_recurring: 1, extra: "ignored" };
  assert.equal(rowHash(SCHEDULES, pgRow), rowHash(SCHEDULES, sqliteRow));
  assert.equal(rowHash(SCHEDULES, pgRow), rowHash(SCHEDULES, mysqlRow));
  assert.notEqual(rowHash(SCHEDULES, pgRow), rowHash(SCHEDULES, { ...pgRow, run_count: 6 }));
  // NULL and the empty string differ.
  assert.notEqual(rowHash(SCHEDULES, { ...pgRow, last_error: null }), rowHash(SCHEDULES, { ...pgRow, last_error: "" }));
});

test("table digests do not depend on row order; comparisons name missing and differing keys", () => {
  const rows = Array.from({ length: 20 }, (_, i) => scheduleRow(i));
  const a = hashRows(SCHEDULES, rows);
  const b = hashRows(SCHEDULES, [...rows].reverse());
  assert.equal(a.digest, b.digest);
  const changed = hashRows(SCHEDULES, [...rows.slice(1, 19), { ...rows[19]!, status: "paused" }]);
  assert.notEqual(changed.digest, a.digest);
  const diff = compareHashes(a.hashes, changed.hashes);
  assert.deepEqual(diff.missing, [rows[0]!.id]);
  assert.deepEqual(diff.different, [rows[19]!.id]);
});

test("rows are typed for Visor's schema and every problem is listed at once", () => {
  const [typed] = typeRows(
    SCHEDULES,
    [{ ...scheduleRow(1), is_recurring: 1n, created_at: 5n, run_count: 2n, timezone: null }],
    "src",
  );
  assert.equal(typed!.is_recurring, true);
  assert.equal(typed!.created_at, "5");
  assert.equal(typed!.run_count, 2);
  assert.equal(typed!.timezone, "UTC", "NOT NULL with a default: the default");
  assert.throws(
    () =>
      typeRows(
        SCHEDULES,
        [
          { ...scheduleRow(1), creator_id: null },
          { ...scheduleRow(2), status: "x".repeat(21) },
          { ...scheduleRow(2), workflow_inputs: "{" },
        ],
        "src",
      ),
    {
      message:
        "src: 4 problem(s), nothing was copied: schedules 00000000-0000-4000-8000-000000000001: creator_id is missing; schedules 00000000-0000-4000-8000-000000000002: status is longer than 20 characters; schedules 00000000-0000-4000-8000-000000000002: workflow_inputs is not valid JSON; …",
    },
  );
});

test("the legacy JSON store: a bare array, camelCase and snake_case, unknown fields listed, clear errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "visor-json-"));
  const file = join(dir, "schedules.json");
  writeFileSync(
    file,
    JSON.stringify([{ id: "a", creatorId: "U1", schedule: "* * * * *", createdAt: 1, workflowInputs: { x: 1 }, color: "red" }]),
  );
  const store = readVisorStore(file);
  assert.equal(store.kind, "json");
  assert.deepEqual(store.unknownFields, ["color"]);
  assert.equal(store.schedules[0]!.schedule_expr, "* * * * *");
  assert.equal(store.schedules[0]!.is_recurring, true);
  assert.equal(store.schedules[0]!.status, "active");
  assert.equal(store.schedules[0]!.workflow_inputs, '{"x":1}');
  writeFileSync(file, '{"items": []}');
  assert.throws(() => readVisorStore(file), /must hold an array of schedules or \{ "schedules": \[\.\.\.\] \}/);
  writeFileSync(file, "not json");
  assert.throws(() => readVisorStore(file), /is neither a SQLite database nor valid JSON/);
  assert.throws(() => readVisorStore(join(dir, "missing.db")), /missing\.db not found/);
});

test("backup names, versions and tool errors", () => {
  assert.equal(defaultBackupName("postgresql", new Date("2026-02-14T23:59:00Z")), "visor-20260214.dump");
  assert.equal(defaultBackupName("mysql", new Date("2026-02-14T00:00:00Z")), "visor-20260214.sql");
  assert.equal(pgMajorFromVersionNum(180001), 18);
  assert.equal(pgMajorFromVersionNum(150018), 15);
  assert.equal(pgMajorFromVersionNum(90624), 9);
  assert.equal(
    toolError(
      'pg_dump: error: connection to server failed: FATAL:  password authentication failed for user "visor" (pw hunter2)\n',
      ["hunter2"],
    ),
    'pg_dump: error: connection to server failed: FATAL:  password authentication failed for user "visor" (pw ***)',
  );
});

test("text read as bytes: valid UTF-8 hashes as its string; other bytes keep their identity", () => {
  const text = col("previous_response");
  assert.equal(canonicalValue(text, Buffer.from("Zoë ✓ 日本")), "Zoë ✓ 日本");
  const a = canonicalValue(text, Buffer.from([0x41, 0xff, 0xfe, 0x42]));
  const b = canonicalValue(text, Buffer.from([0x41, 0xfe, 0xff, 0x42]));
  assert.notEqual(a, b, "lossy decoding would make both A\uFFFD\uFFFDB");
  assert.notEqual(a, "A\uFFFD\uFFFDB");
  // No decoded text can take the form invalid bytes get (it starts with a lone surrogate).
  assert.equal(a, "\udc0041fffe42");
});

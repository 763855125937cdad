// `visor-db migrate-sqlite` against real servers: a store shaped like Visor's (three tables, JSON text,
// unicode with astral characters and a BOM) into PostgreSQL 15 and MariaDB. Every row arrives byte for byte
// (compared as hex on both sides), a re-run inserts nothing, every source table is accounted for, and
// values that cannot be carried faithfully are refused by table, column and row with nothing written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapSchema } from "../../../components/visor/bootstrap";
import { openKnex } from "../../../components/visor/connection";
import { MESSAGE_TRIGGERS, SCHEDULER_LOCKS, SCHEDULES, type TableSpec } from "../../../components/visor/schema-definition";
import { hashRows, tableHashes } from "../../../scripts/ops/checksum";
import { readVisorStore } from "../../../scripts/ops/sqlite-source";
import { migrateSqlite } from "../../../scripts/ops/sqlite-migration";
import { runCli } from "../../support/cli";
import { scratchMariaDb } from "../../support/mariadb";
import { need, scratchDatabase, servers } from "../../support/servers";
import { sqliteHex, visorSqliteStore } from "../../visor/fixtures/visor-sqlite-store";
import { failureLines, targetTables } from "./fixtures";

const TABLES = [SCHEDULES, MESSAGE_TRIGGERS, SCHEDULER_LOCKS];
const textColumns = (spec: TableSpec) => spec.columns.filter((c) => c.type === "varchar" || c.type === "text");

/** Every text column of every table: the target's bytes (hex) equal SQLite's; the other columns by canonical checksum. */
async function assertByteIdentical(file: string, url: string, tables: TableSpec[]): Promise<void> {
  const k = await openKnex({ url }, { pool: { min: 0, max: 1 } });
  const pg = url.startsWith("postgres");
  try {
    const store = readVisorStore(file, { locks: true });
    const typed = { schedules: store.schedules, message_triggers: store.message_triggers!, scheduler_locks: store.locks! };
    for (const spec of tables) {
      const pk = spec.columns.find((c) => c.primary)!.name;
      for (const c of textColumns(spec)) {
        const hex = pg
          ? `upper(encode(convert_to(${c.name}, 'UTF8'), 'hex'))`
          : `CASE WHEN ${c.name} IS NULL THEN NULL ELSE HEX(${c.name}) END`;
        const rows = (await k.select(k.raw(`${pk} AS k, ${hex} AS h`)).from(spec.name)) as { k: string; h: string | null }[];
        const target = new Map(rows.map((r) => [r.k, r.h]));
        assert.deepEqual(target, sqliteHex(file, spec.name, c.name), `${spec.name}.${c.name} byte for byte`);
      }
      const source = hashRows(spec, typed[spec.name as keyof typeof typed]);
      assert.deepEqual([...(await tableHashes(k, spec))!.hashes].sort(), [...source.hashes].sort(), `${spec.name} rows`);
    }
  } finally {
    await k.destroy();
  }
}

test("SQLite (Visor's three tables) → PostgreSQL: dry run writes nothing; locks need a decision; every row byte-identical; a re-run inserts nothing", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "mig");
  const file = visorSqliteStore({ schedules: 1200, triggers: 60, locks: 4, extraScheduleColumns: ["legacy_flag"] });

  const dry = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--dry-run", "--locks", "--json"]);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout);
  assert.equal(plan.dryRun, true);
  assert.deepEqual(plan.schemaCreated, ["schedules", "scheduler_locks", "message_triggers"]);
  assert.deepEqual(
    plan.tables.map((t: Record<string, unknown>) => [t.table, t.source, t.inserted]),
    [
      ["schedules", 1200, 1200],
      ["scheduler_locks", 4, 4],
      ["message_triggers", 60, 60],
    ],
  );
  assert.deepEqual(plan.unknownFields, ["schedules.legacy_flag"]);
  assert.deepEqual(await targetTables(db.url), [], "--dry-run created nothing");

  // Locks with rows are neither copied nor dropped silently: the operator chooses.
  const undecided = await runCli(["migrate-sqlite", "--from", file, "--to", db.url]);
  assert.equal(undecided.code, 1);
  assert.deepEqual(failureLines(undecided.stderr), [
    "visor-db: migrate-sqlite: scheduler_locks has 4 row(s): pass --locks to copy them, or --ignore-table scheduler_locks to leave them behind (Visor re-acquires its locks); nothing was copied",
  ]);
  assert.deepEqual(await targetTables(db.url), []);

  const run = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--locks"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /created: schedules, scheduler_locks, message_triggers/);
  assert.match(
    run.stdout,
    /^schedules: 1200 in source, 1200 inserted, 0 already there, 0 differ; target now 1200 row\(s\); checksums match$/m,
  );
  assert.match(
    run.stdout,
    /^message_triggers: 60 in source, 60 inserted, 0 already there, 0 differ; target now 60 row\(s\); checksums match$/m,
  );
  assert.match(run.stdout, /^scheduler_locks: 4 in source, 4 inserted, 0 already there, 0 differ; target now 4 row\(s\)/m);
  assert.match(run.stdout, /not copied \(unknown fields\): schedules\.legacy_flag/);
  assert.match(run.stdout, /^MIGRATED$/m);
  assert.match(run.stderr, /read 1200 schedules, 4 scheduler_locks, 60 message_triggers row\(s\) from .* \(sqlite\)/);
  assert.doesNotMatch(run.stderr, /ExperimentalWarning/);

  await assertByteIdentical(file, db.url, TABLES);
  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    const t = await k("message_triggers").where({ id: "10000000-0000-4000-8000-000000000003" }).first();
    assert.equal(t.creator_name, "Łukasz 🚀 𝄞");
    assert.equal(t.description, "\uFEFFwatch deploys 3 — “quoted” 😀", "a leading BOM is data, kept");
    assert.equal(t.from_bots, false);
    assert.deepEqual(JSON.parse(t.inputs), { severity: 0, note: "naïve 日本 🐘 3", nested: { list: [3, null, true] } });
  } finally {
    await k.destroy();
  }

  const again = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--locks", "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    JSON.parse(again.stdout).tables.map((t: Record<string, unknown>) => [
      t.table,
      t.inserted,
      t.unchanged,
      t.targetRows,
      t.verified,
    ]),
    [
      ["schedules", 0, 1200, 1200, true],
      ["scheduler_locks", 0, 4, 4, true],
      ["message_triggers", 0, 60, 60, true],
    ],
    "a re-run inserts nothing",
  );
});

test("a source table that is not Visor's fails by name with nothing written; --ignore-table lets it pass and says so", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "extra");
  const file = visorSqliteStore({ schedules: 20, triggers: 5, locks: 2, otherTables: { app_audit: 7, notes: 0 } });
  const res = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--locks"]);
  assert.equal(res.code, 1);
  assert.deepEqual(failureLines(res.stderr), [
    `visor-db: migrate-sqlite: ${file} has table(s) that are not Visor's: app_audit (7 row(s)), notes (0 row(s)); nothing was copied. If they are not needed in the new database, pass --ignore-table NAME for each`,
  ]);
  assert.deepEqual(await targetTables(db.url), []);

  const typo = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--ignore-table", "app_audits"]);
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /--ignore-table app_audits: .* has no table app_audits \(its tables: /);
  const core = await runCli(["migrate-sqlite", "--from", file, "--to", db.url, "--ignore-table", "message_triggers"]);
  assert.match(
    core.stderr,
    /--ignore-table message_triggers: message_triggers is one of Visor's own tables and is always copied/,
  );
  assert.deepEqual(await targetTables(db.url), []);

  const ok = await runCli([
    "migrate-sqlite",
    "--from",
    file,
    "--to",
    db.url,
    "--ignore-table",
    "app_audit",
    "--ignore-table",
    "notes",
    "--ignore-table",
    "scheduler_locks",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(
    ok.stdout,
    /^not copied \(--ignore-table\): scheduler_locks \(2 row\(s\)\), app_audit \(7 row\(s\)\), notes \(0 row\(s\)\)$/m,
  );
  assert.match(ok.stdout, /^MIGRATED$/m);
  await assertByteIdentical(file, db.url, [SCHEDULES, MESSAGE_TRIGGERS]);
});

/** Values Visor's SQLite store can hold that no target column can hold faithfully. */
const UNCARRIABLE = [
  // `{"k":"h<ff fe>i"}` stored as TEXT: SQLite keeps the bytes; a lenient read would make them U+FFFD.
  {
    table: "schedules",
    id: "00000000-0000-4000-8000-000000000007",
    column: "workflow_inputs",
    sql: "CAST(X'7B226B223A2268FFFE69227D' AS TEXT)",
  },
  { table: "schedules", id: "00000000-0000-4000-8000-000000000008", column: "run_count", sql: "3000000000" },
  { table: "message_triggers", id: "10000000-0000-4000-8000-000000000002", column: "description", sql: "X'610062'" },
];
const REFUSALS = [
  "schedules 00000000-0000-4000-8000-000000000007: workflow_inputs is not valid UTF-8 (byte 7 is 0xff); the target's text cannot hold these bytes, so they are not copied",
  "schedules 00000000-0000-4000-8000-000000000008: run_count is 3000000000, outside the target's INTEGER range (-2147483648 to 2147483647)",
  "message_triggers 10000000-0000-4000-8000-000000000002: description holds a BLOB (3 bytes, with NUL), not text; it cannot be copied faithfully",
];

test("invalid UTF-8, an INTEGER out of range and a BLOB with NUL are refused up front by table, column and row (PostgreSQL)", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "refuse");
  for (const [i, raw] of UNCARRIABLE.entries()) {
    const file = visorSqliteStore({ schedules: 10, triggers: 4, locks: 0, raw: [raw] });
    const res = await runCli(["migrate-sqlite", "--from", file, "--to", db.url]);
    assert.equal(res.code, 1, res.stdout);
    assert.deepEqual(failureLines(res.stderr), [
      `visor-db: migrate-sqlite: ${file}: 1 problem(s), nothing was copied: ${REFUSALS[i]}`,
    ]);
    assert.deepEqual(await targetTables(db.url), [], "nothing written, not even the schema");
  }
  // A NUL inside TEXT (valid UTF-8) is refused too: PostgreSQL text cannot hold it.
  const nul = visorSqliteStore({
    schedules: 3,
    triggers: 0,
    locks: 0,
    raw: [
      {
        table: "schedules",
        id: "00000000-0000-4000-8000-000000000001",
        column: "last_error",
        sql: "CAST(X'6F6B006E6F' AS TEXT)",
      },
    ],
  });
  await assert.rejects(migrateSqlite({ from: nul, connection: { url: db.url } }), {
    message: `${nul}: 1 problem(s), nothing was copied: schedules 00000000-0000-4000-8000-000000000001: last_error contains a NUL byte (at byte 2), which PostgreSQL text cannot hold`,
  });
  assert.deepEqual(await targetTables(db.url), []);
});

test("SQLite → MariaDB: all three tables byte-identical, a re-run inserts nothing; uncarriable values refused with nothing written", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  const file = visorSqliteStore({ schedules: 500, triggers: 40, locks: 6 });
  const result = await migrateSqlite({ from: file, connection: { url: db.url }, locks: true, batchSize: 200 });
  assert.equal(result.passed, true);
  assert.deepEqual(
    result.tables.map((x) => [x.table, x.inserted, x.targetRows, x.verified]),
    [
      ["schedules", 500, 500, true],
      ["scheduler_locks", 6, 6, true],
      ["message_triggers", 40, 40, true],
    ],
  );
  await assertByteIdentical(file, db.url, TABLES);
  const again = await migrateSqlite({ from: file, connection: { url: db.url }, locks: true });
  assert.deepEqual(
    again.tables.map((x) => [x.table, x.inserted, x.unchanged]),
    [
      ["schedules", 0, 500],
      ["scheduler_locks", 0, 6],
      ["message_triggers", 0, 40],
    ],
  );

  const fresh = await scratchMariaDb(mariadb!);
  const bad = visorSqliteStore({ schedules: 10, triggers: 4, locks: 0, raw: UNCARRIABLE });
  await assert.rejects(migrateSqlite({ from: bad, connection: { url: fresh.url } }), {
    message: `${bad}: 3 problem(s), nothing was copied: ${REFUSALS.join("; ")}`,
  });
  assert.deepEqual(await targetTables(fresh.url), []);
});

test("a target that does not keep the bytes it was given (here a trigger mangling emoji) fails the byte check before COMMIT: nothing written", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "lossy");
  const file = visorSqliteStore({ schedules: 5, triggers: 5, locks: 0 });
  const k = await openKnex({ url: db.url }, { pool: { min: 0, max: 1 } });
  try {
    await bootstrapSchema({ url: db.url });
    await k.raw(`CREATE FUNCTION lossy() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.description := replace(NEW.description, '😀', '?'); RETURN NEW; END $$`);
    await k.raw("CREATE TRIGGER lossy BEFORE INSERT ON message_triggers FOR EACH ROW EXECUTE FUNCTION lossy()");
    const res = await runCli(["migrate-sqlite", "--from", file, "--to", db.url]);
    assert.equal(res.code, 1, res.stdout);
    assert.deepEqual(failureLines(res.stderr), [
      "visor-db: migrate-sqlite: message_triggers: after copying, 4 row(s) are missing or differ from the source's bytes (10000000-0000-4000-8000-000000000001, 10000000-0000-4000-8000-000000000002, 10000000-0000-4000-8000-000000000003, 10000000-0000-4000-8000-000000000004); rolled back, nothing was written",
    ]);
    assert.doesNotMatch(res.stdout, /MIGRATED/);
    for (const t of ["schedules", "message_triggers"])
      assert.equal(Number((await k(t).count({ n: "*" }))[0]!.n), 0, `${t}: the transaction was rolled back`);
  } finally {
    await k.destroy();
  }
});

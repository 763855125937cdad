// The disaster-recovery drill of the guide, for real: 10,000 schedules and some locks, `visor-db backup`,
// the database dropped, `visor-db restore`, `visor-db verify` — every row identical (per-row checksums) and
// the smoke test passing, on PostgreSQL and on MariaDB. Plus what backup/restore refuse.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { bootstrapSchema } from "../../../components/visor/bootstrap";
import { openKnex } from "../../../components/visor/connection";
import { MESSAGE_TRIGGERS, SCHEDULER_LOCKS, SCHEDULES } from "../../../components/visor/schema-definition";
import { backupDatabase } from "../../../scripts/ops/backup";
import { tableHashes, type RowHashes } from "../../../scripts/ops/checksum";
import { restoreDatabase } from "../../../scripts/ops/restore";
import { main } from "../../../scripts/visor-db";
import { runCli } from "../../support/cli";
import { scratchMariaDb } from "../../support/mariadb";
import { need, postgresMajors, scratchDatabase, servers } from "../../support/servers";
import { failureLines, seed } from "./fixtures";
import { seedTriggers } from "./trigger-fixtures";

const NO_PG_ENV = { PGHOST: "", PGUSER: "", PGPASSWORD: "", PGDATABASE: "", DATABASE_URL: "" };
const workDir = () => mkdtempSync(join(tmpdir(), "visor-db-backup-"));

async function hashes(url: string): Promise<{ schedules: RowHashes; locks: RowHashes; triggers: RowHashes }> {
  const db = await openKnex({ url }, { pool: { min: 0, max: 1 } });
  try {
    return {
      schedules: (await tableHashes(db, SCHEDULES))!,
      locks: (await tableHashes(db, SCHEDULER_LOCKS))!,
      triggers: (await tableHashes(db, MESSAGE_TRIGGERS))!,
    };
  } finally {
    await db.destroy();
  }
}

function assertNoPassword(password: string, ...outputs: string[]) {
  for (const o of outputs) assert.ok(!o.includes(password), "the password is never printed");
}

async function recreatePostgres(adminUrl: string, name: string) {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name} OWNER visor`);
  } finally {
    await c.end();
  }
}

test("DR drill on PostgreSQL: 10,000 schedules → backup → drop database → restore → verify, every row identical", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "dr");
  await bootstrapSchema({ url: db.url });
  await seed(db.url, 10_000, 25);
  await seedTriggers(db.url, 12);
  const before = await hashes(db.url);
  assert.equal(before.schedules.rows, 10_000);

  const dir = workDir();
  const out = join(dir, "visor-drill.dump");
  const b = await runCli(["backup", "--url", db.url, "--out", out, "--json"]);
  assert.equal(b.code, 0, b.stderr);
  const backup = JSON.parse(b.stdout);
  assert.equal(backup.file, out);
  assert.equal(readFileSync(out).subarray(0, 5).toString(), "PGDMP", "pg_dump custom format");
  const sha = createHash("sha256").update(readFileSync(out)).digest("hex");
  assert.equal(backup.manifest.sha256, sha);
  assert.equal(readFileSync(`${out}.sha256`, "utf8"), `${sha}  visor-drill.dump\n`);
  assert.equal(backup.manifest.consistent, true);
  assert.deepEqual(backup.manifest.tables.schedules, { rows: 10_000, digest: before.schedules.digest });
  assert.deepEqual(backup.manifest.tables.scheduler_locks, { rows: 25, digest: before.locks.digest });
  assert.deepEqual(backup.manifest.tables.message_triggers, { rows: 12, digest: before.triggers.digest });
  assert.match(b.stderr, /visor-db backup: .*dumping schedules 10000 row\(s\)/);
  assert.deepEqual(readdirSync(dir).sort(), ["visor-drill.dump", "visor-drill.dump.manifest.json", "visor-drill.dump.sha256"]);

  await recreatePostgres(postgres.adminUrl, db.database);
  assert.equal((await hashes(db.url)).schedules, undefined, "the database is gone");

  const r = await runCli(["restore", "--url", db.url, "--in", out]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /checksum verified/);
  for (const name of ["connect", "writer", "schema", "counts", "checksums", "json-columns", "stale-locks", "smoke"]) {
    assert.match(r.stdout, new RegExp(`^PASS ${name}: `, "m"), name);
  }
  assert.match(r.stdout, /PASS counts: schedules 10000, scheduler_locks 25, message_triggers 12 /);
  assert.match(r.stdout, /^VERIFIED$/m);

  const after = await hashes(db.url);
  assert.equal(after.schedules.digest, before.schedules.digest);
  assert.deepEqual([...after.schedules.hashes], [...before.schedules.hashes], "every schedule row identical");
  assert.deepEqual([...after.locks.hashes], [...before.locks.hashes], "every lock row identical");
  assert.deepEqual([...after.triggers.hashes], [...before.triggers.hashes], "every message trigger row identical");

  // The smoke test already passed within restore's verification (PASS smoke above).
  const v = await runCli(["verify", "--url", db.url, "--manifest", out, "--allow-stale-locks", "--skip-smoke", "--json"]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  const report = JSON.parse(v.stdout);
  assert.equal(report.passed, true);
  assert.equal(report.checks.find((c: { name: string }) => c.name === "checksums").passed, true);
  assert.deepEqual(report.counts, { schedules: 10_000, scheduler_locks: 25, message_triggers: 12 });
  assertNoPassword(db.password, b.stdout, b.stderr, r.stdout, r.stderr, v.stdout, v.stderr);
});

test("DR drill on MariaDB: mysqldump → drop database → mysql < file → verify, every row identical", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  await bootstrapSchema({ url: db.url });
  await seed(db.url, 10_000, 25);
  const before = await hashes(db.url);

  const dir = workDir();
  const b = await runCli(["backup", "--url", db.url, "--out", join(dir, "visor-maria.sql")], {}, 120_000);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /schedules: 10000 row\(s\)/);
  assert.match(readFileSync(join(dir, "visor-maria.sql"), "utf8").slice(0, 400), /MariaDB dump|MySQL dump/);
  const manifest = JSON.parse(readFileSync(join(dir, "visor-maria.sql.manifest.json"), "utf8"));
  assert.equal(manifest.driver, "mysql");
  assert.equal(manifest.consistent, true);
  assert.equal(manifest.tables.schedules.digest, before.schedules.digest);

  await db.admin.query(`DROP DATABASE ${db.database}`);
  await db.admin.query(`CREATE DATABASE ${db.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);

  const r = await runCli(["restore", "--url", db.url, "--in", join(dir, "visor-maria.sql"), "--json"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.checksumVerified, true);
  assert.equal(result.verification.passed, true, JSON.stringify(result.verification.checks));
  assert.deepEqual(
    result.verification.checks.map((c: { name: string }) => c.name),
    ["connect", "writer", "schema", "counts", "checksums", "json-columns", "stale-locks", "smoke"],
  );
  const after = await hashes(db.url);
  assert.deepEqual([...after.schedules.hashes], [...before.schedules.hashes], "every schedule row identical");
  assert.deepEqual([...after.locks.hashes], [...before.locks.hashes], "every lock row identical");
  assertNoPassword(db.password, b.stdout, b.stderr, r.stdout, r.stderr);
});

test("backup refuses to overwrite; restore refuses a target holding Visor data without --force, and a modified file", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "refuse");
  await bootstrapSchema({ url: db.url });
  await seed(db.url, 50, 2);
  const dir = workDir();
  const out = join(dir, "visor-20260214.dump");

  writeFileSync(out, "an older backup");
  const again = await runCli(["backup", "--url", db.url, "--out", out]);
  assert.equal(again.code, 1);
  assert.deepEqual(failureLines(again.stderr), [
    `visor-db: backup: ${out} already exists: refusing to overwrite a backup (choose another --out)`,
  ]);
  assert.equal(readFileSync(out, "utf8"), "an older backup", "untouched");

  const good = join(dir, "good.dump");
  await backupDatabase({ connection: { url: db.url }, out: good });

  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    await pg.query("UPDATE schedules SET status = 'paused', run_count = 999 WHERE id = $1", [
      "00000000-0000-4000-8000-000000000007",
    ]);
    const refused = await runCli(["restore", "--url", db.url, "--in", good]);
    assert.equal(refused.code, 1);
    assert.deepEqual(failureLines(refused.stderr), [
      `visor-db: restore: postgresql://visor@${db.host}:${db.port}/${db.database} already holds Visor data (schedules: 50 row(s), scheduler_locks: 2 row(s)): refusing to overwrite it without --force`,
    ]);
    assert.equal(
      (await pg.query("SELECT run_count FROM schedules WHERE id = '00000000-0000-4000-8000-000000000007'")).rows[0].run_count,
      999,
    );

    // A backup whose bytes no longer match its manifest is refused before anything is touched.
    const bad = join(dir, "bad.dump");
    const bytes = readFileSync(good);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(bad, bytes);
    copyFileSync(`${good}.manifest.json`, `${bad}.manifest.json`);
    const corrupt = await runCli(["restore", "--url", db.url, "--in", bad, "--force"]);
    assert.equal(corrupt.code, 1);
    assert.match(
      failureLines(corrupt.stderr).join("\n"),
      /^visor-db: restore: .*bad\.dump is corrupt or was modified: its SHA-256 is [0-9a-f]{64}, the backup recorded [0-9a-f]{64} \(refusing to restore\)$/,
    );
    assert.equal(
      (await pg.query("SELECT run_count FROM schedules WHERE id = '00000000-0000-4000-8000-000000000007'")).rows[0].run_count,
      999,
    );

    const forced = await runCli(["restore", "--url", db.url, "--in", good, "--force", "--skip-smoke"]);
    assert.equal(forced.code, 0, forced.stdout + forced.stderr);
    assert.match(forced.stderr, /--force: replacing schedules: 50 row\(s\)/);
    assert.doesNotMatch(forced.stdout, /smoke/);
    const row = (await pg.query("SELECT status, run_count FROM schedules WHERE id = '00000000-0000-4000-8000-000000000007'"))
      .rows[0];
    assert.deepEqual(row, { status: "failed", run_count: 7 }, "the backup's row is back");
  } finally {
    await pg.end();
  }
  await assert.rejects(
    restoreDatabase({ connection: { url: db.url }, file: out, force: true }),
    /is not a pg_dump custom-format archive/,
  );
});

test("pg_dump older than the server: one line saying which versions and what to install, and no file", async () => {
  // Debian's pg_dump 15 against PostgreSQL 18 is the real case; a pg_dump that reports major 12 against the
  // harness's 15 exercises the same check without a second server.
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "newer");
  const dir = workDir();
  const bin = mkdtempSync(join(tmpdir(), "visor-db-bin-"));
  writeFileSync(join(bin, "pg_dump"), "#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.22'\n", { mode: 0o755 });
  const res = await runCli(["backup", "--url", db.url, "--out", join(dir, "x.dump"), "--bin-dir", bin]);
  assert.equal(res.code, 1);
  assert.deepEqual(failureLines(res.stderr), [
    `visor-db: backup: pg_dump 12.22 cannot dump PostgreSQL ${postgres.major} (postgresql://visor@${db.host}:${db.port}/${db.database}): ` +
      `pg_dump refuses servers newer than itself; install the PostgreSQL ${postgres.major} client (postgresql-client-${postgres.major}) and pass --bin-dir`,
  ]);
  assert.deepEqual(readdirSync(dir), [], "no partial or final file left");
});

test("a newer PostgreSQL (18): pg_dump 15 is refused in one line; a PostgreSQL 15 backup restores into it", async (t) => {
  const majors = await postgresMajors();
  const newer = majors.find((p) => p.major > 15);
  if (!need(t, newer, "a PostgreSQL newer than Debian's pg_dump 15")) return;
  const target = await scratchDatabase(newer!, "newer");
  const dir = workDir();
  const res = await runCli(["backup", "--url", target.url, "--out", join(dir, "x.dump")]);
  assert.equal(res.code, 1);
  assert.deepEqual(failureLines(res.stderr), [
    `visor-db: backup: pg_dump 15.${/pg_dump 15\.(\d+)/.exec(res.stderr)?.[1]} cannot dump PostgreSQL ${newer!.major} (postgresql://visor@${target.host}:${target.port}/${target.database}): ` +
      `pg_dump refuses servers newer than itself; install the PostgreSQL ${newer!.major} client (postgresql-client-${newer!.major}) and pass --bin-dir`,
  ]);
  assert.deepEqual(readdirSync(dir), [], "no partial or final file left");

  // The upgrade path: a backup of the PostgreSQL 15 server restored into the newer one, every row identical.
  const source = await scratchDatabase((await servers()).postgres, "old");
  await bootstrapSchema({ url: source.url });
  await seed(source.url, 300, 4);
  const file = join(dir, "from15.dump");
  await backupDatabase({ connection: { url: source.url }, out: file });
  const restored = await restoreDatabase({ connection: { url: target.url }, file, smoke: false });
  assert.equal(restored.verification.passed, true, JSON.stringify(restored.verification.checks));
  assert.deepEqual([...(await hashes(target.url)).schedules.hashes], [...(await hashes(source.url)).schedules.hashes]);
});

test("usage: --help for every command; missing connection or --in is one line and exit 2", async () => {
  const printed: string[] = [];
  const log = console.log;
  console.log = (line: string) => printed.push(line);
  try {
    for (const cmd of ["backup", "restore", "verify", "monitor", "migrate-sqlite"]) {
      printed.length = 0;
      assert.equal(await main([cmd, "--help"]), 0, cmd);
      assert.match(printed.join("\n"), new RegExp(`^visor-db ${cmd} [\\s\\S]*--json`), cmd);
    }
    printed.length = 0;
    await main(["--help"]);
    for (const cmd of ["backup", "restore", "migrate-sqlite", "monitor", "verify"])
      assert.match(printed.join("\n"), new RegExp(`^  ${cmd} `, "m"));
  } finally {
    console.log = log;
  }
  await assert.rejects(main(["restore", "--url", "postgresql://visor:pw@127.0.0.1:1/visor"]), {
    name: "UsageError",
    message: "visor-db restore: --in <backup file> is required",
  });
  await assert.rejects(main(["migrate-sqlite", "--to", "postgresql://h/visor"]), {
    name: "UsageError",
    message: /--from .* is required/,
  });
  await assert.rejects(main(["monitor", "--url", "postgresql://h/visor", "--watch", "--interval", "0"]), {
    name: "UsageError",
    message: 'visor-db monitor: --interval must be an integer from 1 to 3600 (got "0")',
  });
  const noUrl = await runCli(["backup"], NO_PG_ENV);
  assert.equal(noUrl.code, 2);
  assert.deepEqual(failureLines(noUrl.stderr), [
    "visor-db: backup: --url is required (or set PGHOST/PGUSER/PGPASSWORD/PGDATABASE or DATABASE_URL)",
  ]);
});

test("an unreachable server is one line naming the endpoint, without the password, and leaves no file", async () => {
  const dir = workDir();
  const down = await runCli(["backup", "--url", "postgresql://visor:s3cret-pw@127.0.0.1:1/visor", "--out", join(dir, "x.dump")]);
  assert.equal(down.code, 1);
  const lines = failureLines(down.stderr);
  assert.equal(lines.length, 1, down.stderr);
  assert.match(lines[0]!, /^visor-db: backup: cannot use postgresql:\/\/visor@127\.0\.0\.1:1\/visor: .*ECONNREFUSED/);
  assert.ok(!down.stderr.includes("s3cret-pw"));
  assert.deepEqual(readdirSync(dir), []);
});

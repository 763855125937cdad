// Restore touches only Visor's tables (issue 13 items 1, 3): a backup holds only them, a restore leaves
// every other table of the target alone (also when an older backup holds the whole database), and grants
// to a role the target lacks do not stop it. PostgreSQL 15 and 18 targets, and MariaDB.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { bootstrapSchema } from "../../../components/visor/bootstrap";
import { main } from "../../../scripts/visor-db";
import { runCli } from "../../support/cli";
import { scratchMariaDb } from "../../support/mariadb";
import { need, pgQuery, postgresMajors, scratchDatabase, servers } from "../../support/servers";
import { failureLines, seed, visorRows } from "./fixtures";
import { addAppAudit, seedTriggers } from "./trigger-fixtures";

const workDir = () => mkdtempSync(join(tmpdir(), "visor-db-scope-"));

async function appAudit(url: string): Promise<{ n: number; target: number }> {
  const [row] = await pgQuery<{ n: string; target: string }>(
    url,
    "SELECT count(*) AS n, count(*) FILTER (WHERE note LIKE 'target-%') AS target FROM app_audit",
  );
  return { n: Number(row!.n), target: Number(row!.target) };
}

function archiveTables(file: string): string[] {
  return execFileSync("pg_restore", ["--list", file], { encoding: "utf8" })
    .split("\n")
    .map((l) => /^\d+; \d+ \d+ TABLE (?!DATA )\S+ (\S+) /.exec(l)?.[1])
    .filter((t): t is string => Boolean(t))
    .sort();
}

test("PostgreSQL 15 and 18: backup holds only Visor's tables; restore without --force leaves app_audit's 1000 rows alone", async () => {
  const { postgres } = await servers();
  const source = await scratchDatabase(postgres, "scope_src");
  await bootstrapSchema({ url: source.url });
  await seed(source.url, 40, 3);
  await seedTriggers(source.url, 9);
  await addAppAudit(source.url, 5, "source-");
  const dir = workDir();
  const file = join(dir, "visor-scope.dump");
  const b = await runCli(["backup", "--url", source.url, "--out", file, "--json"]);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(archiveTables(file), ["message_triggers", "scheduler_locks", "schedules"], "no app_audit in the file");
  assert.deepEqual(JSON.parse(b.stdout).manifest.dumped.sort(), ["message_triggers", "scheduler_locks", "schedules"]);
  const want = await visorRows(source.url);

  for (const pg of await postgresMajors()) {
    const target = await scratchDatabase(pg, "scope_tgt");
    await bootstrapSchema({ url: target.url }); // Visor's tables, empty
    await addAppAudit(target.url, 1000, "target-");
    const r = await runCli(["restore", "--url", target.url, "--in", file, "--skip-smoke"]);
    assert.equal(r.code, 0, `PostgreSQL ${pg.major}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^tables restored: schedules, scheduler_locks, message_triggers \(no other table was touched\)$/m);
    assert.match(r.stdout, /^PASS counts: schedules 40, scheduler_locks 3, message_triggers 9 /m);
    assert.match(r.stdout, /^VERIFIED$/m);
    assert.deepEqual(await appAudit(target.url), { n: 1000, target: 1000 }, `PostgreSQL ${pg.major}: app_audit untouched`);
    assert.deepEqual(await visorRows(target.url), want, `PostgreSQL ${pg.major}: every Visor row identical`);

    // The refusal without --force stays: now the target holds Visor rows.
    const again = await runCli(["restore", "--url", target.url, "--in", file, "--skip-smoke"]);
    assert.equal(again.code, 1);
    assert.match(failureLines(again.stderr).join("\n"), /already holds Visor data .*refusing to overwrite it without --force/);
    assert.deepEqual(await appAudit(target.url), { n: 1000, target: 1000 });
  }
});

test("PostgreSQL: an older backup of the whole database restores Visor's tables only, --force included", async () => {
  const { postgres } = await servers();
  const source = await scratchDatabase(postgres, "whole_src");
  await bootstrapSchema({ url: source.url });
  await seed(source.url, 25, 2);
  await seedTriggers(source.url, 4);
  await addAppAudit(source.url, 5, "source-");
  // What `visor-db backup` wrote before it dumped only Visor's tables: pg_dump -Fc of everything, no manifest.
  const file = join(workDir(), "whole.dump");
  execFileSync("pg_dump", ["--format=custom", `--file=${file}`, source.url]);
  assert.ok(archiveTables(file).includes("app_audit"));

  const target = await scratchDatabase(postgres, "whole_tgt");
  await bootstrapSchema({ url: target.url });
  await seed(target.url, 3, 0);
  await addAppAudit(target.url, 1000, "target-");
  const r = await runCli(["restore", "--url", target.url, "--in", file, "--force", "--skip-smoke"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^left alone \(in the backup, not Visor's\): public\.app_audit$/m);
  assert.deepEqual(await appAudit(target.url), { n: 1000, target: 1000 }, "the target's app_audit, not the backup's");
  assert.deepEqual(await visorRows(target.url), await visorRows(source.url));
});

test("PostgreSQL: a backup of a database bootstrapped --grant-to a role restores where the role does not exist; grants re-applied where it does", async (t) => {
  const { postgres, otherPostgres } = await servers();
  const role = `visor_app_${randomBytes(3).toString("hex")}`;
  await pgQuery(postgres.adminUrl, `CREATE ROLE ${role} NOLOGIN`);
  const source = await scratchDatabase(postgres, "grant_src");
  const sameServer = await scratchDatabase(postgres, "grant_tgt");
  try {
    await bootstrapSchema({ url: source.url }, { grantTo: role });
    await seed(source.url, 10, 1);
    const file = join(workDir(), "granted.dump");
    assert.equal((await runCli(["backup", "--url", source.url, "--out", file])).code, 0);

    // The same server: the role exists, so the grants come back.
    const here = await runCli(["restore", "--url", sameServer.url, "--in", file, "--skip-smoke"]);
    assert.equal(here.code, 0, here.stdout + here.stderr);
    assert.match(here.stdout, new RegExp(`^grant re-applied: .*INSERT.* on schedules to ${role}$`, "m"));
    const [priv] = await pgQuery<{ ok: boolean }>(
      sameServer.url,
      `SELECT has_table_privilege('${role}', 'schedules', 'INSERT') AND has_table_privilege('${role}', 'message_triggers', 'DELETE') AS ok`,
    );
    assert.equal(priv!.ok, true);

    // Another server without that role (the issue's "fresh server"): restored, and the output says why not.
    const fresh = need(t, otherPostgres[0], "a second PostgreSQL server");
    if (!fresh) return;
    const target = await scratchDatabase(fresh, "grant_fresh");
    const [exists] = await pgQuery(fresh.adminUrl, "SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    assert.equal(exists, undefined, "the role does not exist on the other server");
    const r = await runCli(["restore", "--url", target.url, "--in", file, "--skip-smoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^grant not applied: .* on schedules to ${role} \\(role ${role} does not exist here\\)$`, "m"),
    );
    assert.match(r.stdout, /^VERIFIED$/m);
    assert.deepEqual(await visorRows(target.url), await visorRows(source.url));
  } finally {
    for (const db of [source, sameServer])
      await pgQuery(postgres.adminUrl.replace(/\/postgres$/, `/${db.database}`), `DROP OWNED BY ${role}`);
    await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${role}`);
  }
});

test("MariaDB: backup holds only Visor's tables; restore leaves app_audit alone; a dump writing app_audit is refused", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const source = await scratchMariaDb(mariadb!);
  await bootstrapSchema({ url: source.url });
  await seed(source.url, 30, 2);
  await seedTriggers(source.url, 5);
  const appAuditIn = async (db: typeof source, rows: number, label: string) => {
    await db.admin.query(`CREATE TABLE ${db.database}.app_audit (id int PRIMARY KEY, note text NOT NULL)`);
    for (let i = 1; i <= rows; i += 500) {
      const batch = Array.from({ length: Math.min(500, rows - i + 1) }, (_, k) => [i + k, `${label}${i + k}`]);
      await db.admin.query(`INSERT INTO ${db.database}.app_audit VALUES ?`, [batch]);
    }
  };
  const countAudit = async (db: typeof source) => {
    const [rows] = await db.admin.query(
      `SELECT count(*) AS n, sum(note LIKE 'target-%') AS target FROM ${db.database}.app_audit`,
    );
    const [row] = rows as { n: number; target: string }[];
    return { n: Number(row!.n), target: Number(row!.target) };
  };
  await appAuditIn(source, 5, "source-");
  const dir = workDir();
  const file = join(dir, "visor-maria.sql");
  const b = await runCli(["backup", "--url", source.url, "--out", file]);
  assert.equal(b.code, 0, b.stderr);
  assert.doesNotMatch(readFileSync(file, "utf8"), /app_audit/);

  const target = await scratchMariaDb(mariadb!);
  await bootstrapSchema({ url: target.url });
  await appAuditIn(target, 1000, "target-");
  const r = await runCli(["restore", "--url", target.url, "--in", file, "--skip-smoke"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await countAudit(target), { n: 1000, target: 1000 });
  assert.deepEqual(await visorRows(target.url), await visorRows(source.url));

  // A dump of the whole database (mysqldump by hand): refused before anything is touched.
  const whole = join(dir, "whole.sql");
  execFileSync(
    "mysqldump",
    [
      `--host=${source.host}`,
      `--port=${source.port}`,
      "--protocol=TCP",
      `--user=${source.user}`,
      `--result-file=${whole}`,
      source.database,
    ],
    { env: { ...process.env, MYSQL_PWD: source.password } },
  );
  const refused = await runCli(["restore", "--url", target.url, "--in", whole, "--force", "--skip-smoke"]);
  assert.equal(refused.code, 1);
  assert.match(
    failureLines(refused.stderr).join("\n"),
    /whole\.sql also writes table\(s\) app_audit: restore touches only Visor's tables \(schedules, scheduler_locks, message_triggers\)/,
  );
  assert.deepEqual(await countAudit(target), { n: 1000, target: 1000 });
});

test("restore --help says it touches only Visor's tables", async () => {
  const printed: string[] = [];
  const log = console.log;
  console.log = (line: string) => printed.push(line);
  try {
    assert.equal(await main(["restore", "--help"]), 0);
  } finally {
    console.log = log;
  }
  assert.match(
    printed.join("\n").replace(/\s+/g, " "),
    /Restore touches only Visor's tables \(schedules, scheduler_locks, message_triggers\)/,
  );
});

// A database whose tables Visor's own SQL store created (knex index names, no guide-only columns, rows
// in all three tables, a lock held by a Visor node): every tool works on it through the CLI and no row of
// Visor's changes; and bootstrap racing a starting Visor on an empty database never fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapSchema, inspectSchema, inspectWith, openKnex, resolveConnection, type SchemaReport } from "../../components";
import { runCli } from "../support/cli";
import { scratchMariaDb } from "../support/mariadb";
import { need, scratchDatabase, servers } from "../support/servers";
import {
  VISOR_KNEX_INDEXES,
  buildVisorMadeDatabase,
  createTablesLikeVisor,
  visorKnex,
  visorRowsSnapshot,
} from "../support/visor-store-fixture";

const NO_PG_ENV = { PGHOST: "", PGUSER: "", PGPASSWORD: "", PGDATABASE: "", DATABASE_URL: "" };
const GUIDE_ONLY = ["schedules.claimed_by", "schedules.claimed_at", "schedules.lock_token"];

/** Secondary indexes grouped by table and columns: any group of two is a duplicated index. */
async function duplicateIndexes(url: string): Promise<string[]> {
  return duplicatesIn(await inspectSchema({ url }));
}

function duplicatesIn(report: SchemaReport): string[] {
  const seen = new Map<string, string[]>();
  for (const t of report.tables)
    for (const i of t.indexes.filter((x) => !x.primary)) {
      const key = `${t.name}(${i.columns.join(",")})`;
      seen.set(key, [...(seen.get(key) ?? []), i.name]);
    }
  return [...seen].filter(([, names]) => names.length > 1).map(([key, names]) => `${key}: ${names.join(", ")}`);
}

async function indexNames(url: string): Promise<Record<string, string[]>> {
  const report = await inspectSchema({ url });
  return Object.fromEntries(
    report.tables.map((t) => [
      t.name,
      t.indexes
        .filter((i) => !i.primary)
        .map((i) => i.name)
        .sort(),
    ]),
  );
}

async function cli(args: string[]) {
  const r = await runCli(args, NO_PG_ENV, 180_000);
  return { ...r, all: `${r.stdout}\n${r.stderr}` };
}

test("PostgreSQL, a database Visor made: smoke, verify, inspect, bootstrap, backup → restore → verify all pass; rows byte-identical; no duplicated index", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "vmade");
  await buildVisorMadeDatabase(db.url);
  const before = await visorRowsSnapshot(db.url);
  assert.deepEqual((await indexNames(db.url)).schedules, VISOR_KNEX_INDEXES.schedules);

  const smoke = await cli(["smoke", "--url", db.url]);
  assert.equal(smoke.code, 0, smoke.all);
  assert.match(
    smoke.stdout,
    /^✔ schema: .*guide-only column\(s\) claimed_by, claimed_at, lock_token absent: not used by Visor's SQL store/m,
  );
  assert.match(smoke.stdout, /^✔ row-roundtrip: /m);

  const verify = await cli(["verify", "--url", db.url]);
  assert.equal(verify.code, 0, verify.all);
  assert.match(verify.stdout, /^PASS schema: /m);
  assert.match(verify.stdout, /^PASS smoke: /m);

  const inspect = await cli(["inspect", "--url", db.url, "--json"]);
  assert.equal(inspect.code, 0, inspect.all);
  const view = JSON.parse(inspect.stdout);
  assert.equal(view.usableByVisor, true);
  assert.deepEqual(view.optionalColumnsAbsent, GUIDE_ONLY);
  assert.deepEqual(view.failingWrites, []);
  const schedules = view.tables.find((t: { name: string }) => t.name === "schedules");
  assert.deepEqual(
    schedules.indexes.map((i: { presentAs: string }) => i.presentAs),
    ["schedules_creator_id_index", "schedules_status_index", "schedules_status_next_run_at_index"],
    "indexes are matched by their columns, whatever their names",
  );
  assert.equal(
    view.differences.filter((d: { severity: string }) => d.severity !== "info").length,
    0,
    JSON.stringify(view.differences),
  );

  const boot = await cli(["bootstrap", "--url", db.url, "--json"]);
  assert.equal(boot.code, 0, boot.all);
  const result = JSON.parse(boot.stdout);
  assert.deepEqual(result.created, []);
  assert.deepEqual(result.added.sort(), [...GUIDE_ONLY].sort(), "only the guide-only columns: no index twin of Visor's");
  assert.deepEqual(await duplicateIndexes(db.url), []);
  assert.deepEqual(await indexNames(db.url), VISOR_KNEX_INDEXES_WITH_LOCKS);
  assert.deepEqual(await visorRowsSnapshot(db.url), before, "Visor's rows byte-identical after smoke, verify and bootstrap");

  const out = join(mkdtempSync(join(tmpdir(), "visor-made-")), "visor-made.dump");
  const backup = await cli(["backup", "--url", db.url, "--out", out, "--json"]);
  assert.equal(backup.code, 0, backup.all);
  const target = await scratchDatabase(postgres, "vmadeto");
  const restore = await cli(["restore", "--url", target.url, "--in", out]);
  assert.equal(restore.code, 0, restore.all);
  assert.match(restore.stdout, /^VERIFIED$/m);
  const again = await cli(["verify", "--url", target.url, "--manifest", out]);
  assert.equal(again.code, 0, again.all);
  assert.deepEqual(await visorRowsSnapshot(target.url), before, "the restored copy holds Visor's rows byte for byte");
  assert.deepEqual(await visorRowsSnapshot(db.url), before);
  assert.deepEqual(await duplicateIndexes(target.url), []);
});

const VISOR_KNEX_INDEXES_WITH_LOCKS = { ...VISOR_KNEX_INDEXES, scheduler_locks: [] };

test("PostgreSQL, a database Visor made, backed up before any bootstrap: restore → verify pass", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "vmraw");
  await buildVisorMadeDatabase(db.url);
  const before = await visorRowsSnapshot(db.url);
  const out = join(mkdtempSync(join(tmpdir(), "visor-made-")), "visor-raw.dump");
  const backup = await cli(["backup", "--url", db.url, "--out", out]);
  assert.equal(backup.code, 0, backup.all);
  const target = await scratchDatabase(postgres, "vmrawto");
  const restore = await cli(["restore", "--url", target.url, "--in", out]);
  assert.equal(restore.code, 0, restore.all);
  assert.doesNotMatch(restore.all, /verification failed/);
  const verify = await cli(["verify", "--url", target.url, "--manifest", out]);
  assert.equal(verify.code, 0, verify.all);
  assert.deepEqual(await visorRowsSnapshot(target.url), before);
  assert.deepEqual(await indexNames(target.url), VISOR_KNEX_INDEXES_WITH_LOCKS, "restored exactly as Visor made it");
});

test("MariaDB, a database Visor made: smoke, verify, inspect, bootstrap pass; rows byte-identical; no duplicated index", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  await buildVisorMadeDatabase(db.url);
  const before = await visorRowsSnapshot(db.url);
  for (const args of [["smoke"], ["verify"], ["inspect"]]) {
    const r = await cli([...args, "--url", db.url]);
    assert.equal(r.code, 0, `${args[0]}: ${r.all}`);
  }
  const boot = await cli(["bootstrap", "--url", db.url, "--json"]);
  assert.equal(boot.code, 0, boot.all);
  assert.deepEqual(JSON.parse(boot.stdout).added.sort(), [...GUIDE_ONLY].sort());
  assert.deepEqual(await duplicateIndexes(db.url), []);
  assert.deepEqual(await visorRowsSnapshot(db.url), before);
});

/** 40 rounds: bootstrap and a starting Visor at the same moment on an empty database. */
async function race(url: string): Promise<{ mixed: number; visorFailed: number; retries: number; slowestRoundMs: number }> {
  const stats = { mixed: 0, visorFailed: 0, retries: 0, slowestRoundMs: 0 };
  const driver = resolveConnection({ url }).driver;
  const admin = await openKnex({ url }, { pool: { min: 0, max: 1 } });
  try {
    for (let round = 0; round < 40; round++) {
      // Test-only cleanup of the scratch database: the tools never drop anything by default.
      for (const name of ["message_triggers", "scheduler_locks", "schedules"]) await admin.schema.dropTableIfExists(name);
      const visor = visorKnex(url);
      const started = Date.now();
      try {
        // Vary who starts first by a few milliseconds, so every interleaving gets its turn.
        const skew = (round % 5) * 3;
        const [boot, made] = await Promise.all([
          sleep(skew).then(() => bootstrapSchema({ url })),
          sleep(12 - skew).then(() =>
            // A real Visor that loses the race fails its start and is restarted; the schema is what counts here.
            createTablesLikeVisor(visor).catch(() => {
              stats.visorFailed++;
              return [] as string[];
            }),
          ),
        ]);
        stats.retries += boot.raceRetries;
        stats.slowestRoundMs = Math.max(stats.slowestRoundMs, Date.now() - started);
        if (boot.created.length > 0 && made.length > 0) stats.mixed++;
        const report = await inspectWith(admin, driver, "");
        assert.equal(report.complete, true, `round ${round}: ${JSON.stringify(report.differences)}`);
        assert.deepEqual(duplicatesIn(report), [], `round ${round}: duplicated index`);
      } finally {
        await visor.destroy();
      }
    }
  } finally {
    await admin.destroy();
  }
  // Both sides really collided in some rounds, or this test proved nothing.
  assert.ok(stats.retries + stats.visorFailed + stats.mixed > 0, `no round raced: ${JSON.stringify(stats)}`);
  return stats;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const describeRace = (s: Awaited<ReturnType<typeof race>>) =>
  `bootstrap re-inspections after a concurrent create: ${s.retries}; rounds where both created tables: ${s.mixed}; Visor starts that lost the race: ${s.visorFailed}; slowest round ${s.slowestRoundMs} ms`;

test("PostgreSQL: 40 rounds of bootstrap racing a starting Visor never fail bootstrap; schema complete; no duplicated index", async (t) => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "race");
  const stats = await race(db.url);
  t.diagnostic(describeRace(stats));
});

test("MariaDB: 40 rounds of bootstrap racing a starting Visor never fail bootstrap; schema complete; no duplicated index", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  const stats = await race(db.url);
  t.diagnostic(describeRace(stats));
});

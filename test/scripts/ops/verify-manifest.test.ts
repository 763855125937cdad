// verify and backups cover message_triggers (issue 12 item 4): counts and row digests against the manifest,
// and a manifest written before it was recorded still verifies. A database whose tables Visor's own store
// created (no claimed_by/claimed_at/lock_token, knex index names) goes through backup → restore → verify
// with no column check stricter than inspectSchema's, and monitor reads it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Knex } from "knex";
import { bootstrapSchema } from "../../../components/visor/bootstrap";
import { openKnex } from "../../../components/visor/connection";
import { inspectSchema } from "../../../components/visor/inspect";
import { VISOR_TABLES, type ColumnSpec } from "../../../components/visor/schema-definition";
import { backupDatabase } from "../../../scripts/ops/backup";
import { monitorSnapshot } from "../../../scripts/ops/monitor";
import { restoreDatabase } from "../../../scripts/ops/restore";
import { runCli } from "../../support/cli";
import { pgQuery, scratchDatabase, servers } from "../../support/servers";
import { scheduleRow, seed } from "./fixtures";
import { seedTriggers, triggerRow } from "./trigger-fixtures";

const workDir = () => mkdtempSync(join(tmpdir(), "visor-db-verify-"));

test("verify --manifest compares message_triggers' count and rows; an older manifest without it still verifies", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "vmt");
  await bootstrapSchema({ url: db.url });
  await seed(db.url, 20, 2);
  await seedTriggers(db.url, 5);
  const file = join(workDir(), "visor.dump");
  const backup = await backupDatabase({ connection: { url: db.url }, out: file });
  assert.equal(backup.manifest.tables.message_triggers!.rows, 5);

  const ok = await runCli(["verify", "--url", db.url, "--manifest", file, "--allow-stale-locks", "--skip-smoke"]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^PASS counts: schedules 20, scheduler_locks 2, message_triggers 5 \(as in visor\.dump\)$/m);
  assert.match(ok.stdout, /^PASS checksums: 27 row\(s\) identical to visor\.dump \(per-row SHA-256\)$/m);

  // The manifest format before message_triggers was recorded (and before schema/dumped existed).
  const oldFile = join(workDir(), "old.dump");
  writeFileSync(oldFile, readFileSync(file));
  const m = JSON.parse(readFileSync(`${file}.manifest.json`, "utf8"));
  delete m.tables.message_triggers;
  delete m.schema;
  delete m.dumped;
  writeFileSync(`${oldFile}.manifest.json`, JSON.stringify({ ...m, file: "old.dump" }, null, 2));
  const old = await runCli(["verify", "--url", db.url, "--manifest", oldFile, "--allow-stale-locks", "--skip-smoke"]);
  assert.equal(old.code, 0, old.stdout + old.stderr);
  assert.match(
    old.stdout,
    /^PASS counts: schedules 20, scheduler_locks 2, message_triggers 5 \(as in old\.dump; message_triggers not recorded there, not compared\)$/m,
  );
  assert.match(
    old.stdout,
    /^PASS checksums: 22 row\(s\) identical to old\.dump \(per-row SHA-256; message_triggers not recorded there/m,
  );

  // A trigger changed or gone is caught against the manifest that records it.
  await pgQuery(db.url, "UPDATE message_triggers SET enabled = NOT enabled WHERE id = $1", [triggerRow(1).id]);
  await pgQuery(db.url, "DELETE FROM message_triggers WHERE id = $1", [triggerRow(2).id]);
  const bad = await runCli(["verify", "--url", db.url, "--manifest", file, "--allow-stale-locks", "--skip-smoke", "--json"]);
  assert.equal(bad.code, 1);
  const checks = Object.fromEntries(JSON.parse(bad.stdout).checks.map((c: { name: string }) => [c.name, c]));
  assert.equal(checks.counts.detail, "message_triggers has 4 row(s), visor.dump has 5");
  assert.equal(checks.checksums.detail, "rows of message_triggers differ from visor.dump");
});

/** Visor's tables as its own SQL store creates them: createTable per table, then knex-named indexes. */
async function createLikeVisorStore(db: Knex): Promise<void> {
  const guideOnly = new Set(["claimed_by", "claimed_at", "lock_token"]);
  const add = (t: Knex.CreateTableBuilder, c: ColumnSpec) => {
    const col =
      c.type === "varchar"
        ? t.string(c.name, c.length)
        : c.type === "text"
          ? t.text(c.name)
          : c.type === "bigint"
            ? t.bigInteger(c.name)
            : c.type === "integer"
              ? t.integer(c.name)
              : t.boolean(c.name);
    if (c.primary) col.primary();
    if (!c.nullable) col.notNullable();
    if (c.default !== undefined) col.defaultTo(c.default);
  };
  for (const spec of VISOR_TABLES) {
    await db.schema.createTable(spec.name, (t) => {
      for (const c of spec.columns) if (spec.name !== "schedules" || !guideOnly.has(c.name)) add(t, c);
    });
    for (const i of spec.indexes) await db.schema.alterTable(spec.name, (t) => void t.index(i.columns));
  }
}

test("a database Visor's store created: backup → restore → verify impose no column check of their own; monitor reads it", async () => {
  const { postgres } = await servers();
  const source = await scratchDatabase(postgres, "vstore");
  const k = await openKnex({ url: source.url }, { pool: { min: 0, max: 1 } });
  try {
    await createLikeVisorStore(k);
    const visorWrites = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).filter(([c]) => !["claimed_by", "claimed_at", "lock_token"].includes(c)));
    await k("schedules").insert(Array.from({ length: 15 }, (_, i) => visorWrites(scheduleRow(i))));
    await k("message_triggers").insert(Array.from({ length: 4 }, (_, i) => triggerRow(i)));
    await k("scheduler_locks").insert({
      lock_id: "__static_cron__:nightly",
      node_id: "visor-node-a",
      lock_token: "11111111-2222-4333-8444-555555555555",
      acquired_at: Date.now(),
      expires_at: Date.now() + 60_000,
    });
    const snap = await monitorSnapshot(k, "postgresql");
    assert.ok(
      snap.hints.some((h) => /schedules has no claimed_by column/.test(h)),
      JSON.stringify(snap.hints),
    );
    assert.equal(snap.stuckClaims.count, 0);
  } finally {
    await k.destroy();
  }
  const file = join(workDir(), "visor-made.dump");
  await backupDatabase({ connection: { url: source.url }, out: file });
  const target = await scratchDatabase(postgres, "vstore_tgt");
  const restored = await restoreDatabase({ connection: { url: target.url }, file, smoke: false });
  const byName = Object.fromEntries(restored.verification.checks.map((c) => [c.name, c]));
  for (const name of ["connect", "writer", "counts", "checksums", "json-columns", "stale-locks"])
    assert.equal(byName[name]?.passed, true, `${name}: ${byName[name]?.detail}`);
  assert.match(byName.counts!.detail, /^schedules 15, scheduler_locks 1, message_triggers 4 /);
  // The schema verdict is inspectSchema's own (the guide-only columns are its call, not restore's or verify's).
  assert.equal(byName.schema!.passed, (await inspectSchema({ url: target.url })).valid);
  const columns = await pgQuery<{ column_name: string }>(
    target.url,
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'schedules' AND column_name IN ('claimed_by', 'claimed_at', 'lock_token')",
  );
  assert.deepEqual(columns, [], "restore adds no column Visor's store did not make");
});

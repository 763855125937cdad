// `visor-db inspect` on real PostgreSQL: each column against Visor's definition, indexes by their columns
// whatever their names, drift, and which of Visor's writes would fail; exit 0 only when Visor can use it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { bootstrapSchema } from "../../components";
import { runCli } from "../support/cli";
import { scratchDatabase, servers } from "../support/servers";

const NO_PG_ENV = { PGHOST: "", PGUSER: "", PGPASSWORD: "", PGDATABASE: "", DATABASE_URL: "" };

async function sql(url: string, text: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

test("a complete schema: exit 0, every column ✔, indexes under the guide's names, no failing write", async () => {
  const db = await scratchDatabase((await servers()).postgres, "insok");
  await bootstrapSchema({ url: db.url });
  const r = await runCli(["inspect", "--url", db.url], NO_PG_ENV);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^✔ table schedules$/m);
  assert.match(r.stdout, /^ {2}✔ claimed_by: character varying\(255\) \(guide-only\)$/m);
  assert.match(r.stdout, /^ {2}✔ index \(status, next_run_at\): idx_schedules_status_next_run$/m);
  assert.match(r.stdout, /^drift: none$/m);
  assert.match(r.stdout, /^Visor's writes that would fail: none$/m);
  assert.match(r.stdout, /^USABLE by Visor$/m);
  assert.doesNotMatch(r.stdout, /remedy:/);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(db.password));
});

test("drift: a wrong type, a foreign NOT NULL column, a renamed and a dropped index — exit 1 naming the writes that fail", async () => {
  const db = await scratchDatabase((await servers()).postgres, "insdrift");
  await bootstrapSchema({ url: db.url });
  await sql(
    db.url,
    `ALTER TABLE scheduler_locks ALTER COLUMN expires_at TYPE integer;
     ALTER TABLE schedules ADD COLUMN tenant varchar(40) NOT NULL;
     ALTER TABLE message_triggers ADD COLUMN note text;
     ALTER INDEX idx_schedules_creator_id RENAME TO dba_creator_idx;
     DROP INDEX idx_schedules_status;
     ALTER TABLE schedules DROP COLUMN lock_token`,
  );
  const r = await runCli(["inspect", "--url", db.url, "--json"], NO_PG_ENV);
  assert.equal(r.code, 1, r.stderr);
  const view = JSON.parse(r.stdout);
  assert.equal(view.usableByVisor, false);
  assert.deepEqual(view.optionalColumnsAbsent, ["schedules.lock_token"], "a guide-only column is information");
  const schedules = view.tables.find((t: { name: string }) => t.name === "schedules");
  assert.deepEqual(
    schedules.indexes.map((i: { columns: string[]; presentAs?: string }) => [i.columns.join(","), i.presentAs ?? null]),
    [
      ["creator_id", "dba_creator_idx"],
      ["status", null],
      ["status,next_run_at", "idx_schedules_status_next_run"],
    ],
  );
  const failing = Object.fromEntries(
    view.failingWrites.map((f: { write: string; reasons: string[] }) => [f.write, f.reasons.join("; ")]),
  );
  assert.deepEqual(Object.keys(failing).sort(), [
    "acquire a free lock",
    "create a schedule",
    "renew a lock",
    "take over an expired lock",
  ]);
  assert.match(failing["create a schedule"], /schedules\.tenant is not Visor's and is NOT NULL without a default/);
  assert.match(failing["acquire a free lock"], /scheduler_locks\.expires_at is integer, Visor needs bigint/);
  assert.ok(
    view.differences.some(
      (d: { kind: string; column: string; severity: string }) =>
        d.kind === "extra-column" && d.column === "note" && d.severity === "info",
    ),
    "a nullable column Visor does not know is drift, not a failure",
  );
  assert.equal(view.remedies.length, 2);
  assert.match(view.remedies[0], /bootstrap never alters a column/);
  assert.match(view.remedies[1], /`visor-db bootstrap --url <writer-url>`/);

  const text = await runCli(["inspect", "--url", db.url], NO_PG_ENV);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^ {2}✖ expires_at: integer NOT NULL \(Visor: bigint NOT NULL\)$/m);
  assert.match(text.stdout, /^ {2}· lock_token: absent \(guide-only: not used by Visor's SQL store\)$/m);
  assert.match(text.stdout, /^ {2}✖ index \(status\): missing \(guide: idx_schedules_status\)$/m);
  assert.match(text.stdout, /^ {2}✖ create a schedule \(INSERT schedules\): /m);
  assert.match(text.stdout, /^NOT USABLE by Visor$/m);
});

test("an empty database: every table missing, every one of Visor's writes fails; bad input exits 2", async () => {
  const db = await scratchDatabase((await servers()).postgres, "insempty");
  const r = await runCli(["inspect", "--url", db.url, "--json"], NO_PG_ENV);
  assert.equal(r.code, 1);
  const view = JSON.parse(r.stdout);
  assert.deepEqual(
    view.tables.map((t: { name: string; exists: boolean }) => [t.name, t.exists]),
    [
      ["schedules", false],
      ["scheduler_locks", false],
      ["message_triggers", false],
    ],
  );
  assert.equal(view.failingWrites.length, 7);
  const usage = await runCli(["inspect"], NO_PG_ENV);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /inspect: --url is required/);
  const flag = await runCli(["inspect", "--url", db.url, "--fix"], NO_PG_ENV);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /allowed: --url, --ssl-mode, --ssl-ca, --via-lambda, --region, --json, --help/);
});

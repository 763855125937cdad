// Many Visor deployments start at once: 8 bootstraps in separate processes, and bootstraps killed with
// SIGKILL at random points, never leave a half-made or duplicated schema.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "pg";
import { inspectSchema } from "../../components";
import { collect, runCli, startCli } from "../support/cli";
import { need, scratchDatabase, servers } from "../support/servers";
import { scratchMariaDb } from "../support/mariadb";

async function visorTables(url: string): Promise<string[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    return r.rows.map((x) => x.table_name);
  } finally {
    await c.end();
  }
}

test("8 concurrent bootstraps in separate processes: all succeed, one schema (PostgreSQL)", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "conc");
  const results = await Promise.all(Array.from({ length: 8 }, () => runCli(["bootstrap", "--url", db.url, "--json"])));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const created = results.map((r) => JSON.parse(r.stdout).created as string[]);
  // Exactly one process created the tables; the others found them.
  assert.equal(created.filter((c) => c.length === 3).length, 1);
  assert.equal(created.filter((c) => c.length === 0).length, 7);
  assert.deepEqual(await visorTables(db.url), ["message_triggers", "scheduler_locks", "schedules"]);
  assert.equal((await inspectSchema({ url: db.url })).complete, true);
});

test("8 concurrent bootstraps in separate processes: all succeed, one schema (MariaDB)", async (t) => {
  const { mariadb } = await servers();
  if (!need(t, mariadb, "MariaDB")) return;
  const db = await scratchMariaDb(mariadb!);
  const results = await Promise.all(Array.from({ length: 8 }, () => runCli(["bootstrap", "--url", db.url, "--json"])));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const total = results.map((r) => (JSON.parse(r.stdout).created as string[]).length).reduce((a, b) => a + b, 0);
  assert.equal(total, 3, "each table created exactly once");
  assert.equal((await inspectSchema({ url: db.url })).complete, true);
});

test("kill -9 inside the bootstrap transaction leaves nothing; the rerun succeeds (PostgreSQL)", async () => {
  const { postgres } = await servers();
  const db = await scratchDatabase(postgres, "kill");
  // Hold the bootstrap's schema lock so the process is stopped inside its transaction, then kill it there.
  const holder = new Client({ connectionString: db.url });
  await holder.connect();
  try {
    await holder.query("SELECT pg_advisory_lock(hashtext('visor-db-infra:schema'))");
    const child = startCli(["bootstrap", "--url", db.url]);
    const done = collect(child);
    for (let i = 0; i < 200; i++) {
      const waiting = await holder.query(
        "SELECT count(*)::int n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND state = 'active'",
        [db.database],
      );
      if (waiting.rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    await done;
    await holder.query("SELECT pg_advisory_unlock_all()");
  } finally {
    await holder.end();
  }
  assert.deepEqual(await visorTables(db.url), []);
  const rerun = await runCli(["bootstrap", "--url", db.url, "--json"]);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(JSON.parse(rerun.stdout).created, ["schedules", "scheduler_locks", "message_triggers"]);
});

test("kill -9 at random points during bootstrap leaves all tables or none (PostgreSQL)", async () => {
  const { postgres } = await servers();
  for (const delayMs of [500, 650, 800, 950, 1100]) {
    const db = await scratchDatabase(postgres, "killr");
    const child = startCli(["bootstrap", "--url", db.url]);
    const done = collect(child);
    await new Promise((r) => setTimeout(r, delayMs));
    child.kill("SIGKILL");
    await done;
    const tables = await visorTables(db.url);
    assert.ok(tables.length === 0 || tables.length === 3, `a killed bootstrap left only ${tables.join(", ")}`);
    const rerun = await runCli(["bootstrap", "--url", db.url, "--json"]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal((await inspectSchema({ url: db.url })).complete, true);
  }
});

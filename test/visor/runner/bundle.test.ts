// The built runner, alone in an empty folder, runs each action in a fresh process against the real
// primary, replica and PgBouncer, and prints exactly what `visor-db <action> --json` prints.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { runCli } from "../../support/cli";
import { need, pgQuery, scratchDatabase, servers } from "../../support/servers";
import { BUILT_BUNDLE, assertNoSecret, callHandler, runBundle, connectionOf } from "./bundle-support";

/** The CLI's --json output, parsed. */
async function cliJson(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; json: unknown }> {
  const r = await runCli([...args, "--json"], env, 60_000);
  assert.ok(r.stdout.trim(), `no output from visor-db ${args[0]}: ${r.stderr}`);
  return { code: r.code, json: JSON.parse(r.stdout) };
}

/** Admin URL parts of the harness's primary (a superuser on database postgres). */
function adminConnection(adminUrl: string) {
  const u = new URL(adminUrl);
  return { url: adminUrl, password: decodeURIComponent(u.password) };
}

test("the bundle is one file within its size budget and needs no node_modules", () => {
  const size = statSync(BUILT_BUNDLE).size;
  // README's budget: 1 MiB (Lambda's zipped direct upload limit is 50 MB; the point is cold-start time).
  assert.ok(size < 1024 * 1024, `runner bundle is ${size} bytes, over the 1 MiB budget`);
});

test("setup: role, database and grants, idempotent, as a superuser and as an RDS-like CREATEROLE admin", async () => {
  const { postgres } = await servers();
  const suffix = randomBytes(4).toString("hex");
  const admin = `visor_admin_${suffix}`;
  const adminPassword = randomBytes(12).toString("base64url");
  const appPassword = randomBytes(12).toString("base64url");
  // Like RDS's master user: CREATEROLE and CREATEDB, no superuser.
  await pgQuery(postgres.adminUrl, `CREATE ROLE ${admin} LOGIN CREATEROLE CREATEDB PASSWORD '${adminPassword}'`);
  const made: { role: string; db: string }[] = [];
  after(async () => {
    for (const m of made) {
      await pgQuery(postgres.adminUrl, `DROP DATABASE IF EXISTS ${m.db} WITH (FORCE)`);
      await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${m.role}`);
    }
    await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${admin}`);
  });
  const u = new URL(postgres.adminUrl);
  const asAdmin = { host: u.hostname, port: Number(u.port), database: "postgres", user: admin, password: adminPassword };
  for (const [who, connection] of [
    ["superuser", adminConnection(postgres.adminUrl)],
    ["createrole admin", asAdmin],
  ] as const) {
    const role = `visor_app_${who === "superuser" ? "s" : "a"}_${suffix}`;
    const db = `visor_db_${who === "superuser" ? "s" : "a"}_${suffix}`;
    made.push({ role, db });
    const event = { action: "setup", connection, options: { appUser: role, databaseName: db, appPassword } };
    const first = await runBundle(event);
    assert.equal(first.code, 0, `${who}: ${first.stdout}`);
    assert.deepEqual(first.json.role, { name: role, action: "created" });
    assert.deepEqual(first.json.database, { name: db, action: "created", owner: role });
    assert.deepEqual(
      first.json.grants,
      ["CONNECT", "CREATE", "TEMPORARY"].map((p) => `${p} ON DATABASE ${db} TO ${role}`),
    );
    assertNoSecret(first.stdout + first.stderr, appPassword, adminPassword);
    // The role logs in with the password (stored as a SCRAM verifier) and owns its database.
    const appUrl = `postgresql://${role}:${appPassword}@${u.hostname}:${u.port}/${db}`;
    const [facts] = await pgQuery<{ owner: string; create: boolean; temp: boolean }>(
      appUrl,
      "SELECT pg_get_userbyid(datdba) AS owner, has_database_privilege(current_user, current_database(), 'CREATE') AS create, has_database_privilege(current_user, current_database(), 'TEMPORARY') AS temp FROM pg_database WHERE datname = current_database()",
    );
    assert.deepEqual(facts, { owner: role, create: true, temp: true });
    const [stored] = await pgQuery<{ p: string }>(
      postgres.adminUrl,
      "SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1",
      [role],
    );
    assert.match(stored!.p, /^SCRAM-SHA-256\$4096:/);
    // The admin keeps no membership it took to create the database.
    const [member] = await pgQuery<{ m: boolean }>(postgres.adminUrl, "SELECT pg_has_role($1, $2, 'MEMBER') AS m", [admin, role]);
    if (who !== "superuser") assert.equal(member!.m, false);
    // Again: nothing to create; the role's password is set again.
    const second = await runBundle(event);
    assert.equal(second.code, 0, second.stdout);
    assert.deepEqual(second.json.role, { name: role, action: "updated" });
    assert.deepEqual(second.json.database, { name: db, action: "unchanged", owner: role });
  }
});

test("setup prints what `visor-db setup --json` prints, and both refuse the replica by name", async (t) => {
  const { postgres } = await servers();
  const suffix = randomBytes(4).toString("hex");
  const role = `visor_cli_${suffix}`;
  const db = `visor_cli_${suffix}`;
  after(async () => {
    await pgQuery(postgres.adminUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${role}`);
  });
  const appPassword = randomBytes(12).toString("base64url");
  const env = { VISOR_APP_PASSWORD: appPassword };
  const args = ["setup", "--url", postgres.adminUrl, "--database", db, "--app-user", role];
  const created = await cliJson(args, env);
  assert.equal(created.code, 0);
  const runner = await runBundle({
    action: "setup",
    connection: adminConnection(postgres.adminUrl),
    options: { appUser: role, databaseName: db, appPassword },
  });
  const cli = await cliJson(args, env);
  assert.deepEqual(runner.json, cli.json, "the runner's JSON is the CLI's");

  const reader = need(t, postgres.reader, "the replica");
  if (!reader) return;
  const replicaAdmin = new URL(postgres.adminUrl);
  replicaAdmin.port = String(reader.port);
  const refused = await runBundle({
    action: "setup",
    connection: adminConnection(replicaAdmin.toString()),
    options: { appUser: role, databaseName: db, appPassword },
  });
  assert.equal(refused.code, 2);
  assert.match(String(refused.json.errorMessage), /is not the writer: pg_is_in_recovery\(\) is true/);
  assertNoSecret(refused.stdout, appPassword, adminConnection(postgres.adminUrl).password);
  const cliRefused = await runCli([...args.slice(0, 2), replicaAdmin.toString(), ...args.slice(3)], env);
  assert.equal(cliRefused.code, 1);
  assert.match(cliRefused.stderr, /is not the writer/);
});

test("bootstrap and inspect: the runner's JSON is the CLI's; the replica is refused by name; PgBouncer works", async (t) => {
  const { postgres } = await servers();
  const ep = await scratchDatabase(postgres, "runner");
  const first = await runBundle({ action: "bootstrap", connection: connectionOf(ep) });
  assert.equal(first.code, 0, first.stdout);
  assert.deepEqual(first.json.created, ["schedules", "scheduler_locks", "message_triggers"]);
  assert.deepEqual(first.json.tables, ["schedules", "scheduler_locks", "message_triggers"]);
  assert.equal(first.json.valid, true);
  assertNoSecret(first.stdout, ep.password);
  // Bootstrapped now: the runner and the CLI see the same database and must print the same document.
  const again = await runBundle({ action: "bootstrap", connection: connectionOf(ep) });
  const cliAgain = await cliJson(["bootstrap", "--url", ep.url]);
  assert.deepEqual(again.json, cliAgain.json);
  assert.deepEqual(again.json.created, []);
  const inspected = await runBundle({ action: "inspect", connection: connectionOf(ep) });
  const cliInspected = await cliJson(["inspect", "--url", ep.url]);
  assert.equal(inspected.code, 0);
  assert.deepEqual(inspected.json, cliInspected.json);
  assert.equal(inspected.json.usableByVisor, true);
  // The Lambda entry point returns the same document the stdin program prints.
  const viaHandler = await callHandler({ action: "inspect", connection: connectionOf(ep) });
  assert.deepEqual(viaHandler, { ok: true, value: inspected.json });

  const reader = need(t, postgres.reader, "the replica");
  if (reader) {
    const refused = await runBundle({ action: "bootstrap", connection: connectionOf(reader) });
    assert.equal(refused.code, 2);
    assert.equal(refused.json.errorType, "NotWriterError");
    assert.match(String(refused.json.errorMessage), /is not the writer: .*read replica.*remedy:/);
    assertNoSecret(refused.stdout, reader.password);
    // A read-only inspect of the replica is allowed: it changes nothing.
    const readOnly = await runBundle({ action: "inspect", connection: connectionOf(reader) });
    assert.equal(typeof readOnly.json.usableByVisor, "boolean");
  }
  const pooler = need(t, postgres.pooler, "PgBouncer");
  if (pooler) {
    // PgBouncer in transaction mode serves database visor: no SET, no session locks in bootstrap.
    const through = await runBundle({ action: "bootstrap", connection: connectionOf(pooler) });
    assert.equal(through.code, 0, through.stdout);
    assert.equal(through.json.valid, true);
    const inspectedThrough = await runBundle({ action: "inspect", connection: connectionOf(pooler) });
    assert.equal(inspectedThrough.json.usableByVisor, true);
  }
});

test("smoke: passes on the writer and through PgBouncer, same checks as the CLI; fails `writer` on the replica", async (t) => {
  const { postgres } = await servers();
  const pooler = need(t, postgres.pooler, "PgBouncer");
  if (!pooler) return;
  // The harness's PgBouncer serves database visor: give it Visor's schema first (idempotent).
  assert.equal((await runBundle({ action: "bootstrap", connection: connectionOf(postgres.writer) })).code, 0);
  const event = { action: "smoke", connection: connectionOf(postgres.writer), poolerConnection: connectionOf(pooler) };
  const passed = await runBundle(event);
  assert.equal(passed.code, 0, passed.stdout);
  assert.equal(passed.json.passed, true);
  assert.equal(passed.json.via, "direct+pooler");
  assertNoSecret(passed.stdout, postgres.writer.password);
  const cli = await cliJson(["smoke", "--url", postgres.writer.url, "--pooler-url", pooler.url]);
  const names = (json: unknown) =>
    (json as { checks: { name: string; passed: boolean }[] }).checks.map((c) => [c.name, c.passed]);
  assert.deepEqual(names(passed.json), names(cli.json));
  assert.deepEqual(Object.keys(passed.json).sort(), Object.keys(cli.json as object).sort());

  const reader = need(t, postgres.reader, "the replica");
  if (!reader) return;
  const failed = await runBundle({ action: "smoke", connection: connectionOf(reader) });
  assert.equal(failed.code, 1, "a failed check exits 1 and still prints the report");
  const writer = (failed.json.checks as { name: string; passed: boolean; detail: string }[]).find((c) => c.name === "writer");
  assert.equal(writer?.passed, false);
  assert.match(writer!.detail, /read replica/);
});

test("bad events and bad passwords: exit 2, one line naming the problem, no password", async () => {
  const { postgres } = await servers();
  const notJson = await runBundle("{ nope");
  assert.equal(notJson.code, 2);
  assert.match(String(notJson.json.errorMessage), /not valid JSON/);
  const badAction = await runBundle({ action: "destroy", connection: { host: "127.0.0.1" } });
  assert.match(String(badAction.json.errorMessage), /event\.action must be one of setup, bootstrap, smoke, inspect, drop/);
  const mysql = await runBundle({ action: "inspect", connection: { url: "mysql://u:p@127.0.0.1/visor" } });
  assert.match(String(mysql.json.errorMessage), /PostgreSQL only/);
  const drop = await runBundle({ action: "drop", connection: connectionOf(postgres.writer) });
  assert.match(String(drop.json.errorMessage), /retainOnDelete must be false/);
  const wrong = `Wr0ng-${randomBytes(6).toString("hex")}`;
  const denied = await runBundle({ action: "inspect", connection: { ...connectionOf(postgres.writer), password: wrong } });
  assert.equal(denied.code, 2);
  assert.match(String(denied.json.errorMessage), /password authentication failed/);
  assertNoSecret(denied.stdout + denied.stderr, wrong);
  const viaUrl = await callHandler({
    action: "bootstrap",
    connection: { url: `postgresql://visor:${wrong}@127.0.0.1:1/visor`, port: 1 },
  });
  assert.equal(viaUrl.ok, false);
  assertNoSecret(JSON.stringify(viaUrl), wrong);
  assert.doesNotMatch(String(viaUrl.value.stack), /\n\s+at /, "no stack trace leaves the runner");
});

// The Cloud SQL variant of the initial setup on a real PostgreSQL 15 (public belongs to the database's owner): the
// database exists, owned by a cloudsqlsuperuser-like group; the admin is only a member of that group. Setup with
// `databaseOwner: "keep"` creates Visor's role, grants it on the database and on `public`, and leaves the owner.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { bootstrapSchema } from "../../components/visor/bootstrap";
import { VISOR_TABLE_NAMES } from "../../components/visor/schema-definition";
import { setupDatabase } from "../../components/visor/setup";
import { pgQuery, servers } from "../support/servers";

test('setup with databaseOwner "keep" as a cloudsqlsuperuser-like admin: grants without taking ownership, idempotent', async (t) => {
  const pg = (await servers()).postgres;
  const id = randomBytes(3).toString("hex");
  const [group, admin, app, db] = [`keep_su_${id}`, `keep_admin_${id}`, `keep_app_${id}`, `visor_keep_${id}`];
  const [adminPassword, appPassword] = [randomBytes(16).toString("hex"), randomBytes(16).toString("hex")];
  const { host, port } = pg.writer;
  await pgQuery(pg.adminUrl, `CREATE ROLE ${group} NOLOGIN CREATEROLE CREATEDB`);
  await pgQuery(pg.adminUrl, `CREATE ROLE ${admin} LOGIN CREATEROLE CREATEDB PASSWORD '${adminPassword}' IN ROLE ${group}`);
  await pgQuery(pg.adminUrl, `CREATE DATABASE ${db} OWNER ${group}`);
  t.after(async () => {
    await pgQuery(pg.adminUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    for (const role of [app, admin, group]) await pgQuery(pg.adminUrl, `DROP ROLE IF EXISTS ${role}`);
  });
  const asAdmin = { host, port, database: "postgres", user: admin, password: adminPassword };
  const options = {
    appUser: app,
    databaseName: db,
    appPassword,
    databaseOwner: "keep" as const,
    schemaPrivileges: ["CREATE", "USAGE"],
  };

  const first = await setupDatabase(asAdmin, options);
  assert.deepEqual(first.role, { name: app, action: "created" });
  assert.deepEqual(first.database, { name: db, action: "unchanged", owner: group });
  assert.deepEqual(first.grants, [
    ...["CONNECT", "CREATE", "TEMPORARY"].map((p) => `${p} ON DATABASE ${db} TO ${app}`),
    ...["CREATE", "USAGE"].map((p) => `${p} ON SCHEMA public IN ${db} TO ${app}`),
  ]);
  const second = await setupDatabase(asAdmin, options);
  assert.deepEqual(second.role, { name: app, action: "updated" });
  assert.deepEqual(second.database, { name: db, action: "unchanged", owner: group });

  // The owner is untouched and the admin took no membership in Visor's role.
  const dbUrl = pg.adminUrl.replace(/\/postgres(\?|$)/, `/${db}$1`);
  const [facts] = await pgQuery<{ owner: string; member: boolean; appIsMember: boolean }>(
    dbUrl,
    "SELECT pg_get_userbyid(datdba) AS owner, pg_has_role($1, $2, 'MEMBER') AS member, pg_has_role($2, $3, 'MEMBER') AS \"appIsMember\" FROM pg_database WHERE datname = current_database()",
    [admin, app, group],
  );
  assert.deepEqual(facts, { owner: group, member: false, appIsMember: false });

  // Visor, with its plain password: its tables, owned by it, in public.
  const result = await bootstrapSchema({ host, port, database: db, user: app, password: appPassword });
  assert.deepEqual([...result.created].sort(), [...VISOR_TABLE_NAMES].sort());
  const owners = await pgQuery<{ o: string }>(
    dbUrl,
    "SELECT DISTINCT tableowner AS o FROM pg_tables WHERE schemaname = 'public'",
  );
  assert.deepEqual(
    owners.map((r) => r.o),
    [app],
  );
});

test('setup with databaseOwner "keep" refuses a missing database and bad options by field, creating nothing', async (t) => {
  const pg = (await servers()).postgres;
  const id = randomBytes(3).toString("hex");
  const [app, db] = [`keep_none_${id}`, `visor_none_${id}`];
  t.after(() => pgQuery(pg.adminUrl, `DROP ROLE IF EXISTS ${app}`));
  const admin = { url: pg.adminUrl };
  const base = { appUser: app, databaseName: db, appPassword: "x".repeat(20) };
  await assert.rejects(
    setupDatabase(admin, { ...base, databaseOwner: "keep" }),
    new RegExp(`setup databaseOwner "keep" needs database ${db} to exist`),
  );
  await assert.rejects(
    setupDatabase(admin, { ...base, databaseOwner: "mine" as never }),
    /setup databaseOwner must be one of role, keep \(got "mine"\)/,
  );
  await assert.rejects(
    setupDatabase(admin, { ...base, schemaPrivileges: ["SELECT"] }),
    /setup schemaPrivileges must be a list among CREATE, USAGE, ALL \(got \["SELECT"\]\)/,
  );
  const [made] = await pgQuery<{ dbs: number; roles: number }>(
    pg.adminUrl,
    "SELECT (SELECT count(*)::int FROM pg_database WHERE datname = $1) AS dbs, (SELECT count(*)::int FROM pg_roles WHERE rolname = $2) AS roles",
    [db, app],
  );
  assert.deepEqual(made, { dbs: 0, roles: 0 });
});

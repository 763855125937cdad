// The privilege model GCP's app role relies on, on a real PostgreSQL 15 (public belongs to the database's owner):
// a database made by the cloud's API (owned by a cloudsqlsuperuser-like group), an admin that is only a member of
// that group, and Visor's role created by the admin with a SCRAM verifier and the grants createAppRoleOn gives.
// Visor can then create its tables — and cannot create roles or databases, nor act as the group. (The provider's
// own statements for roles and database grants are exercised for AWS/Azure; this checks the schema grant made by a
// non-superuser member of the owner, which only GCP uses.)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { Client } from "pg";
import { scramSha256Verifier } from "../../components/pgbouncer";
import { bootstrapSchema } from "../../components/visor/bootstrap";
import { VISOR_TABLE_NAMES } from "../../components/visor/schema-definition";
import { servers } from "../support/servers";

async function as<T>(url: string, run: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

test("Visor's role made by a cloudsqlsuperuser-like admin can create its tables on PostgreSQL 15 and nothing more", async (t) => {
  const pg = (await servers()).postgres;
  const id = randomBytes(3).toString("hex");
  const [group, admin, app, db] = [`gcp_su_${id}`, `gcp_admin_${id}`, `gcp_app_${id}`, `visor_gcplp_${id}`];
  const [adminPassword, appPassword] = [randomBytes(16).toString("hex"), randomBytes(16).toString("hex")];
  const { host, port } = pg.writer;
  const urlOf = (user: string, password: string, database: string) =>
    `postgresql://${user}:${password}@${host}:${port}/${database}`;

  // What Cloud SQL's API makes: the group, a built-in user in it, a database owned by the group.
  await as(pg.adminUrl, async (c) => {
    await c.query(`CREATE ROLE ${group} NOLOGIN CREATEROLE CREATEDB`);
    await c.query(`CREATE ROLE ${admin} LOGIN CREATEROLE CREATEDB PASSWORD '${adminPassword}' IN ROLE ${group}`);
    await c.query(`CREATE DATABASE ${db} OWNER ${group}`);
  });
  t.after(() =>
    as(pg.adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      for (const role of [app, admin, group]) await c.query(`DROP ROLE IF EXISTS ${role}`);
    }),
  );
  const serverMajor = await as(pg.adminUrl, async (c) =>
    Number((await c.query("SHOW server_version_num")).rows[0].server_version_num),
  );
  assert.ok(serverMajor >= 150000, "PostgreSQL 15+: only the owner may create in public by default");

  // What createAppRoleOn asks the provider for, as the admin (no superuser).
  const verifier = scramSha256Verifier(appPassword);
  await as(urlOf(admin, adminPassword, "postgres"), async (c) => {
    await c.query(`CREATE ROLE ${app} WITH NOSUPERUSER NOCREATEDB NOCREATEROLE LOGIN NOREPLICATION PASSWORD '${verifier}'`);
    await c.query(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${db} TO ${app}`);
  });
  await as(urlOf(admin, adminPassword, db), (c) => c.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${app}`));

  // Visor, with the plain password against the verifier: its tables, owned by it.
  const result = await bootstrapSchema({ host, port, database: db, user: app, password: appPassword });
  assert.deepEqual([...result.created].sort(), [...VISOR_TABLE_NAMES].sort());
  const owners = await as(pg.adminUrl.replace(/\/postgres(\?|$)/, `/${db}$1`), async (c) =>
    (await c.query("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.tableowner),
  );
  assert.deepEqual([...new Set(owners)], [app]);

  // And nothing beyond it.
  await as(urlOf(app, appPassword, db), async (c) => {
    const me = (await c.query("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")).rows[0];
    assert.deepEqual(me, { rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    assert.equal((await c.query("SELECT pg_has_role(current_user, $1, 'MEMBER') AS m", [group])).rows[0].m, false);
    await assert.rejects(c.query(`CREATE ROLE gcp_x_${id}`), /permission denied/);
    await assert.rejects(c.query(`CREATE DATABASE gcp_x_${id}`), /permission denied/);
    await assert.rejects(c.query(`SET ROLE ${group}`), /permission denied/);
  });
});

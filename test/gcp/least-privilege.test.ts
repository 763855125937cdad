// Visor's role on Cloud SQL is least-privilege, as on AWS and Azure: the only built-in (cloudsqlsuperuser) user is the
// admin, which creates Visor's role by SQL — no SUPERUSER, CREATEROLE, CREATEDB or memberships — over verify-full to
// the instance's DNS name against its server CA, and grants it only its database and `public` schema.
import { setupMocks, resolve } from "../support/pulumi-mocks";
import { mockOutputs, CA_PEM, REGION, all, isSecretInput, only, passwordFor, plan, reveal, settle } from "./helpers";
setupMocks(mockOutputs);

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { serverCaFile, SERVER_CA_DIR } from "../../components/gcp/app-role";
import { VisorValidationError } from "../../components/shared/validation";
import { T, type Obj, make } from "./component-fixtures";

const ROLE = "postgresql:index/role:Role";
const GRANT = "postgresql:index/grant:Grant";
const PROVIDER = "pulumi:providers:postgresql";

test("the admin is the only built-in user; Visor's role is made by SQL with no power beyond its grants", async () => {
  const db = make("lp", { databaseName: "sched", appUser: "sched_app" });
  await settle();
  const users = all("lp", T.user);
  assert.deepEqual(
    users.map((u) => [u.inputs.name, u.inputs.type]),
    [["visor_admin", "BUILT_IN"]],
  );
  assert.equal(all("lp", "postgresql:index/database:Database").length, 0, "the database stays Cloud SQL's");

  const role = only("lp", ROLE);
  assert.equal(role.inputs.name, "sched_app");
  assert.equal(role.inputs.login, true);
  for (const power of ["superuser", "createRole", "createDatabase", "replication", "bypassRowLevelSecurity"])
    assert.ok(!role.inputs[power], `${power} is not given`);
  assert.equal(role.inputs.roles, undefined, "no memberships (cloudsqlsuperuser included)");
  assert.ok(isSecretInput(role.inputs.password));
  const verifier = reveal<string>(role.inputs.password);
  assert.match(verifier, /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/, "the SCRAM verifier");
  assert.ok(!verifier.includes(passwordFor("lp-app-password")));

  const grants = all("lp", GRANT).map((g) => g.inputs);
  assert.deepEqual(grants.map((g) => [g.objectType, g.database, g.schema, g.role, g.privileges]).sort(), [
    ["database", "sched", undefined, "sched_app", ["CONNECT", "CREATE", "TEMPORARY"]],
    ["schema", "sched", "public", "sched_app", ["CREATE", "USAGE"]],
  ]);
  assert.equal(db.resources.appRole.role.constructor.name, "Role");
});

test("the admin connection: verify-full to the DNS name, the server CA from a file, the admin's secret password", async () => {
  make("lpc");
  await settle();
  const provider = only("lpc", PROVIDER).inputs;
  assert.equal(provider.host, `lpc-primary.${REGION}.sql.goog`, "the name the CAS certificate carries, not the IP");
  assert.equal(provider.port, "5432");
  assert.equal(provider.sslmode, "verify-full");
  assert.equal(provider.username, "visor_admin");
  assert.equal(provider.superuser, "false");
  assert.ok(isSecretInput(provider.password));
  assert.equal(reveal(provider.password), passwordFor("lpc-admin-password"));
  const file = String(provider.sslrootcert);
  assert.equal(file, join(SERVER_CA_DIR, "lpc-primary-a1b2c3-server-ca.pem"));
  assert.equal(readFileSync(file, "utf8"), `${CA_PEM}\n`, "the instance's server CA, written for the provider");
});

test("serverCaFile writes the PEM atomically under a name stable across runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gcp-ca-"));
  try {
    const first = await resolve(serverCaFile("visor-primary-abc123", "PEM-1\n", dir));
    const second = await resolve(serverCaFile(pulumi.output("visor-primary-abc123"), pulumi.output("PEM-2"), dir));
    assert.equal(first.value, join(dir, "visor-primary-abc123-server-ca.pem"));
    assert.equal(second.value, first.value, "a rotated CA rewrites the file; the provider's config does not change");
    assert.equal(readFileSync(first.value!, "utf8"), "PEM-2\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("no plain password in any plain input or output; the app secret still carries Visor's password", async () => {
  const db = make("lps", { pooler: "none" });
  await settle();
  plan("lps"); // fails on any unredacted password
  const version = only("lps", T.secretVersion).inputs;
  assert.ok(isSecretInput(version.secretData));
  assert.equal(JSON.parse(reveal<string>(version.secretData)).password, passwordFor("lps-app-password"));
  assert.equal((await resolve(db.appPassword)).secret, true);
  assert.equal((await resolve(db.resources.adminUser.password)).secret, true, "the admin's password output is a secret");
  // Visor's bootstrap logs in as its own role, never as the admin.
  const schema = only("lps", T.schema).inputs;
  assert.equal(reveal<Obj>(schema.connection).user, "visor");
});

test("adminUser: refused when it is appUser or a reserved name, with the field named", () => {
  for (const [adminUser, why] of [
    ["visor", /adminUser must be different from appUser/],
    ["postgres", /adminUser must be not a name Cloud SQL or PostgreSQL reserves/],
    ["cloudsqladmin", /adminUser must be not a name/],
    ["Bad-Name", /adminUser/],
  ] as const) {
    assert.throws(
      () => make(`lpv-${adminUser.toLowerCase()}`, { adminUser }),
      (e: Error) => e instanceof VisorValidationError && why.test(e.message),
    );
  }
  make("lpv-ok", { adminUser: "ops_admin" });
});

// The children every cloud creates through the shared helpers (app password and salt, the admin
// provider, role, database, grant, VisorSchema, VisorHaSmokeTest) take the component's `transform` hooks
// like its own children. Shown on the AWS component; the code path is shared by all three.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MINIMAL, PEM, byPrefix, settle, setupAwsMocks } from "../aws/helpers";
setupAwsMocks();
import { AwsVisorDatabase } from "../../components/aws";

test("transform hooks reach the shared children: args and options", async () => {
  const seen: string[] = [];
  const db = new AwsVisorDatabase("hooked", {
    ...MINIMAL,
    caBundlePem: PEM,
    // The admin provider, role, database and grant exist only when the deployer does the initial setup.
    bootstrap: { via: "direct" },
    transform: {
      appPassword: (a) => ({ args: { ...a, length: 48 } }),
      appScramSalt: (a) => void seen.push(`salt:${a.length}`),
      pgAdminProvider: (a) => ({ args: { ...a, connectTimeout: 90 } }),
      appRole: (a) => ({ args: { ...a, connectionLimit: 25 } }),
      appDatabase: (a, o) => ({ opts: { ...o, protect: true } }),
      appGrant: (a) => void seen.push(`grant:${String(a.objectType)}`),
      schema: (a) => ({ args: { ...a, retainOnDelete: true, grantTo: "visor_ro" } }),
      smokeTest: (a) => ({ args: { ...a, nodes: 5 } }),
    },
  });
  await settle(db);
  const find = (type: string) => byPrefix("hooked").find((r) => r.type === type)!;
  assert.equal(find("random:index/randomPassword:RandomPassword").inputs.length, 48);
  assert.equal(find("pulumi:providers:postgresql").inputs.connectTimeout, "90");
  assert.equal(find("postgresql:index/role:Role").inputs.connectionLimit, 25);
  assert.equal(find("pulumi-nodejs:dynamic/visor-db-infra:VisorSchema").inputs.grantTo, "visor_ro");
  assert.equal(find("pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest").inputs.nodes, 5);
  assert.deepEqual(seen.sort(), ["grant:database", "salt:16"]);
  // The options a hook returns reach the child: the app database is protected, the role is not.
  const protectedFlag = (r: object) => (r as { __protect?: boolean }).__protect;
  assert.equal(protectedFlag(db.resources.appRole!.database), true);
  assert.notEqual(protectedFlag(db.resources.appRole!.role), true);
});

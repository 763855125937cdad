// The serialized VisorSchema and VisorHaSmokeTest providers (as `pulumi.dynamic.Resource` serializes them)
// in a fresh Node process (serialized-support.ts), running through `runner: { azure }` against the loopback
// Resource Manager: the built package loads the Azure SDK on first use, each container group runs the built
// bundle, and the result comes back. VisorSchema's `setup` input creates the role and database first, as
// AzureVisorDatabase's default (`bootstrap.via: "runner"`) does.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { SCHEMA_VERSION } from "../../../components";
import { pgQuery, servers } from "../../support/servers";
import { runInFreshProcess, useSerializedProviders } from "../providers/serialized-support";
import { FakeArm } from "./azure-arm-fake";

useSerializedProviders();

const fake = new FakeArm();
let endpoint = "";

before(async () => {
  const started = await fake.start();
  endpoint = started.endpoint;
  // The fresh processes inherit these: DefaultAzureCredential gets its token from the fake's identity endpoint.
  Object.assign(process.env, FakeArm.credentialEnv(started.identityEndpoint));
});
after(() => fake.stop());

const runner = () => ({
  azure: {
    subscriptionId: "00000000-0000-4000-8000-000000000002",
    resourceGroupName: "visor-rg",
    location: "westeurope",
    subnetId:
      "/subscriptions/00000000-0000-4000-8000-000000000002/resourceGroups/visor-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/visor-runner",
    image: "mcr.microsoft.com/devcontainers/javascript-node:22",
    endpoint,
    endpointCa: fake.ca,
    pollIntervalMs: 100,
    timeoutMs: 60_000,
  },
});

/** Every value the container groups created since `before` carry outside their secure values. */
function plainBodiesSince(before: Set<string>): string {
  const bodies = [...fake.created.entries()].filter(([name]) => !before.has(name)).map(([, body]) => body);
  return JSON.stringify(bodies).replace(/"secureValue":"[^"]*"/g, "");
}

test("fresh process: VisorSchema with setup creates role, database and schema through runner.azure; the smoke test passes as that role", async () => {
  const { postgres } = await servers();
  const suffix = randomBytes(4).toString("hex");
  const appUser = `visor_azs_${suffix}`;
  const databaseName = `visor_azs_${suffix}`;
  const appPassword = `App-pw-${randomBytes(9).toString("base64url")}`;
  after(async () => {
    await pgQuery(postgres.adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${appUser}`);
  });
  const u = new URL(postgres.adminUrl);
  const adminPassword = decodeURIComponent(u.password);
  // The admin as the component passes it: host, port, database `postgres`, user and password fields.
  const admin = { host: u.hostname, port: Number(u.port), database: "postgres", user: u.username, password: adminPassword };
  const connection = { host: u.hostname, port: Number(u.port), database: databaseName, user: appUser, password: appPassword };
  const setup = { admin, appUser, databaseName, appPassword };

  const groupsBefore = new Set(fake.created.keys());
  const created = await runInFreshProcess("schema", "create", [{ connection, setup, retainOnDelete: true, runner: runner() }]);
  assert.ok(created.ok, created.message);
  assert.equal(created.result.outs.schemaVersion, SCHEMA_VERSION);
  assert.deepEqual([...created.result.outs.tables].sort(), ["message_triggers", "scheduler_locks", "schedules"]);
  assert.equal(fake.created.size - groupsBefore.size, 2, "one container group for the setup, one for the bootstrap");
  const [owner] = await pgQuery<{ o: string }>(
    postgres.adminUrl,
    "SELECT pg_get_userbyid(datdba) AS o FROM pg_database WHERE datname = $1",
    [databaseName],
  );
  assert.equal(owner!.o, appUser, "the setup made the new role own its database");
  const plain = plainBodiesSince(groupsBefore);
  for (const secret of [adminPassword, appPassword]) assert.ok(!plain.includes(secret), "no password outside a secure value");

  // Again, as `pulumi up` after a change: the setup is idempotent.
  const updated = await runInFreshProcess("schema", "update", [
    created.result.id,
    created.result.outs,
    { connection, setup, retainOnDelete: true, runner: runner() },
  ]);
  assert.ok(updated.ok, updated.message);

  const smoke = await runInFreshProcess("smoke", "create", [{ connection, runner: runner(), trigger: "t1" }]);
  assert.ok(smoke.ok, smoke.message);
  assert.equal(smoke.result.outs.passed, true);
  assert.equal(smoke.result.outs.checks["mutual-exclusion"].passed, true);
  assert.equal(fake.groups.size, 0, "every group was deleted");
  assert.ok([...fake.created.keys()].filter((n) => !groupsBefore.has(n)).every((n) => fake.deleted.includes(n)));
});

test("fresh process: a wrong admin password in setup fails VisorSchema clearly, with no password in the message", async () => {
  const { postgres } = await servers();
  const u = new URL(postgres.adminUrl);
  const wrongAdmin = `Wr0ng-admin-${randomBytes(6).toString("hex")}`;
  const appPassword = `App-pw-${randomBytes(9).toString("base64url")}`;
  const admin = { host: u.hostname, port: Number(u.port), database: "postgres", user: u.username, password: wrongAdmin };
  const connection = {
    host: u.hostname,
    port: Number(u.port),
    database: "visor_azs_never",
    user: "visor_azs_never",
    password: appPassword,
  };
  const failed = await runInFreshProcess("schema", "create", [
    {
      connection,
      setup: { admin, appUser: "visor_azs_never", databaseName: "visor_azs_never", appPassword },
      runner: runner(),
      connectRetry: { timeoutMs: 1000 },
    },
  ]);
  assert.equal(failed.ok, false);
  assert.match(failed.message!, /^VisorSchema: .*authentication failed/);
  for (const secret of [wrongAdmin, appPassword]) assert.ok(!failed.message!.includes(secret), failed.message);
  const [role] = await pgQuery<{ n: number }>(postgres.adminUrl, "SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1", [
    "visor_azs_never",
  ]);
  assert.equal(role!.n, 0, "nothing was created");
  assert.equal(fake.groups.size, 0, "the failed run's group was deleted");
});

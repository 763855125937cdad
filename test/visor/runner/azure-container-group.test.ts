// The Azure runner transport against a loopback Resource Manager (azure-arm-fake.ts) whose container groups
// really run the built bundle (dist/runner/visor-db-runner.cjs, gzipped in the secret volume and unpacked by
// the bootstrap) against the local PostgreSQL. Credentials are DefaultAzureCredential's, satisfied by the
// fake's managed identity endpoint.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { bootstrapSchema } from "../../../components";
import type { AzureRunnerTarget, RunnerEvent } from "../../../components/visor/runner/contract";
import { RunnerInvokeError, invokeRunner, runnerTargetProblem } from "../../../components/visor/runner/transport";
import { EVENT_ENV, SECRET_ENV } from "../../../components/visor/runner/container-event";
import { runCli } from "../../support/cli";
import { need, pgQuery, scratchDatabase, servers } from "../../support/servers";
import { FakeArm } from "./azure-arm-fake";

const fake = new FakeArm();
let target: AzureRunnerTarget;

before(async () => {
  const { endpoint, identityEndpoint } = await fake.start();
  Object.assign(process.env, FakeArm.credentialEnv(identityEndpoint));
  target = {
    subscriptionId: "00000000-0000-4000-8000-000000000001",
    resourceGroupName: "visor-rg",
    location: "westeurope",
    subnetId:
      "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/visor-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/visor-runner",
    image: "mcr.microsoft.com/devcontainers/javascript-node:22",
    dnsServers: ["168.63.129.16"],
    endpoint,
    endpointCa: fake.ca,
    pollIntervalMs: 100,
    retry: { attempts: 5, delayMs: 50 },
    timeoutMs: 60_000,
  };
});
after(() => fake.stop());

const connectionOf = (ep: { host: string; port: number; database: string; user: string; password: string }) => ({
  host: ep.host,
  port: ep.port,
  database: ep.database,
  user: ep.user,
  password: ep.password,
});

test("smoke through a container group: the CLI's --json report, passwords only as secure values, the group deleted", async (t) => {
  const { postgres } = await servers();
  const pooler = need(t, postgres.pooler, "PgBouncer");
  if (!pooler) return;
  const ep = await scratchDatabase(postgres, "azr");
  await bootstrapSchema(connectionOf(ep));
  const before = fake.calls.length;
  const report = await invokeRunner({ azure: target }, { action: "smoke", connection: connectionOf(ep) });
  const cli = await runCli(["smoke", "--url", ep.url, "--json"]);
  assert.equal(cli.code, 0, cli.stderr);
  const direct = JSON.parse(cli.stdout) as typeof report;
  assert.equal(report.passed, true);
  assert.deepEqual(Object.keys(report).sort(), Object.keys(direct).sort());
  assert.deepEqual(
    report.checks.map((c) => [c.name, c.passed]),
    direct.checks.map((c) => [c.name, c.passed]),
  );
  assert.equal(report.endpoint, direct.endpoint);
  assert.equal(report.isWriter, true);

  const names = [...fake.created.keys()].filter((n) =>
    fake.calls.slice(before).some((c) => c.startsWith("PUT") && c.endsWith(n)),
  );
  assert.equal(names.length, 1);
  const name = names[0]!;
  assert.match(name, /^visor-runner-smoke-[0-9a-f]{10}$/);
  assert.deepEqual(fake.deleted.includes(name), true, "the group was deleted");
  const body = fake.created.get(name)!;
  const props = body.properties as Record<string, unknown> & { containers: { properties: Record<string, unknown> }[] };
  assert.equal(body.location, "westeurope");
  assert.equal(props.osType, "Linux");
  assert.equal(props.restartPolicy, "Never");
  assert.deepEqual(props.subnetIds, [{ id: target.subnetId }]);
  assert.deepEqual(props.dnsConfig, { nameServers: ["168.63.129.16"] });
  const container = props.containers[0]!.properties as {
    image: string;
    command: string[];
    resources: unknown;
    environmentVariables: { name: string; value?: string; secureValue?: string }[];
  };
  assert.equal(container.image, target.image);
  assert.deepEqual(container.command.slice(0, 2), ["node", "-e"]);
  assert.deepEqual(container.resources, { requests: { cpu: 1, memoryInGB: 1.5 } });
  const env = Object.fromEntries(container.environmentVariables.map((e) => [e.name, e]));
  assert.deepEqual(env[SECRET_ENV.connectionPassword], { name: SECRET_ENV.connectionPassword, secureValue: ep.password });
  const eventText = env[EVENT_ENV]!.value!;
  assert.equal(JSON.parse(eventText).action, "smoke");
  const withoutSecure = JSON.stringify({ ...body, properties: { ...props, containers: [], volumes: [] } }) + eventText;
  assert.ok(!withoutSecure.includes(ep.password), "the password is only in the secure value");
});

test("a failed check (exit 1) returns the runner's report; an error (exit 2) is a RunnerInvokeError with the message redacted", async () => {
  const { postgres } = await servers();
  const empty = await scratchDatabase(postgres, "azr");
  const view = await invokeRunner({ azure: target }, { action: "inspect", connection: connectionOf(empty) });
  assert.equal(view.usableByVisor, false, "an empty database is not usable yet: the report comes back as it is");

  const wrong = "Wr0ng-azure-pw";
  const deletedBefore = fake.deleted.length;
  await assert.rejects(
    invokeRunner({ azure: target }, { action: "inspect", connection: { ...connectionOf(empty), password: wrong } }),
    (e: unknown) => {
      assert.ok(e instanceof RunnerInvokeError);
      assert.equal(e.kind, "function");
      assert.match(e.message, /exited with code 2: .*authentication failed/);
      assert.ok(!e.message.includes(wrong), e.message);
      return true;
    },
  );
  assert.equal(fake.deleted.length, deletedBefore + 1, "the failed run's group was deleted");
});

test("a group that never terminates times out and is deleted", async () => {
  const { postgres } = await servers();
  fake.behaviour = { neverStart: true };
  try {
    const deletedBefore = fake.deleted.length;
    await assert.rejects(
      invokeRunner({ azure: { ...target, timeoutMs: 1500 } }, { action: "inspect", connection: connectionOf(postgres.writer) }),
      /did not finish within 2 s \(last state: Running\)/,
    );
    assert.equal(fake.deleted.length, deletedBefore + 1);
    assert.equal(fake.groups.size, 0, "nothing is left behind");
  } finally {
    fake.behaviour = {};
  }
});

test("403 AuthorizationFailed is retried while the role assignment settles, then succeeds; bounded", async () => {
  const { postgres } = await servers();
  fake.behaviour = { forbidFirst: 2 };
  try {
    const putsBefore = fake.calls.filter((c) => c.startsWith("PUT")).length;
    const view = await invokeRunner({ azure: target }, { action: "inspect", connection: connectionOf(postgres.writer) });
    assert.ok(
      view.endpoint.endsWith(`@${postgres.writer.host}:${postgres.writer.port}/${postgres.writer.database}`),
      view.endpoint,
    );
    assert.equal(fake.calls.filter((c) => c.startsWith("PUT")).length - putsBefore, 3);
  } finally {
    fake.behaviour = {};
  }
  fake.behaviour = { forbidFirst: 100 };
  try {
    await assert.rejects(
      invokeRunner(
        { azure: { ...target, retry: { attempts: 3, delayMs: 10 } } },
        { action: "inspect", connection: connectionOf(postgres.writer) },
      ),
      (e: unknown) => {
        assert.match(
          (e as Error).message,
          /could not create container group visor-runner-inspect-[0-9a-f]+ \(still after 3 attempts, 0 s\): AuthorizationFailed/,
        );
        assert.doesNotMatch((e as Error).message, /could not be deleted/, "a group never created needs no deleting");
        return true;
      },
    );
  } finally {
    fake.behaviour = {};
  }
});

test("when reading the result fails the group is still deleted", async () => {
  const { postgres } = await servers();
  fake.behaviour = { logsFail: true };
  try {
    const deletedBefore = fake.deleted.length;
    await assert.rejects(
      invokeRunner({ azure: target }, { action: "inspect", connection: connectionOf(postgres.writer) }),
      /the logs of container group visor-runner-inspect-[0-9a-f]+ could not be read: InternalServerError/,
    );
    assert.equal(fake.deleted.length, deletedBefore + 1);
  } finally {
    fake.behaviour = {};
  }
});

test("runner.azure is validated field by field before anything is created", async () => {
  assert.equal(runnerTargetProblem({ azure: target }), undefined);
  const bad: [Partial<AzureRunnerTarget>, RegExp][] = [
    [{ subscriptionId: "sub" }, /runner\.azure\.subscriptionId must be a subscription id/],
    [{ subnetId: "subnet-1" }, /runner\.azure\.subnetId must be a subnet resource id/],
    [{ location: "West Europe" }, /runner\.azure\.location must be an Azure region name/],
    [{ image: "" }, /runner\.azure\.image must be a container image reference/],
    [{ dnsServers: ["dns.local"] }, /runner\.azure\.dnsServers must be 1 to 3 IPv4 addresses/],
    [{ endpoint: "http://127.0.0.1:1" }, /runner\.azure\.endpoint must be an https:\/\/ origin/],
    [{ timeoutMs: 10 }, /runner\.azure\.timeoutMs must be an integer from 1000 to 3600000/],
  ];
  for (const [change, message] of bad) assert.match(runnerTargetProblem({ azure: { ...target, ...change } }) ?? "", message);
  const calls = fake.calls.length;
  await assert.rejects(
    invokeRunner({ azure: { ...target, subscriptionId: "x" } }, { action: "inspect", connection: { host: "h" } } as RunnerEvent),
    /subscriptionId/,
  );
  assert.equal(fake.calls.length, calls, "no call was made");
});

test("setup through a container group: the admin and app passwords travel only as secure values; the role logs in", async () => {
  const { postgres } = await servers();
  const suffix = Math.random().toString(16).slice(2, 10);
  const appUser = `visor_azr_${suffix}`;
  const appPassword = `App-pw-${suffix}`;
  after(() =>
    pgQuery(postgres.adminUrl, `DROP DATABASE IF EXISTS ${appUser} WITH (FORCE)`).then(() =>
      pgQuery(postgres.adminUrl, `DROP ROLE IF EXISTS ${appUser}`),
    ),
  );
  const before = new Set(fake.created.keys());
  const result = await invokeRunner(
    { azure: target },
    { action: "setup", connection: { url: postgres.adminUrl }, options: { databaseName: appUser, appUser, appPassword } },
  );
  assert.deepEqual([result.role.name, result.database.name], [appUser, appUser]);
  const name = [...fake.created.keys()].find((n) => !before.has(n))!;
  const body = JSON.stringify(fake.created.get(name));
  const adminPassword = decodeURIComponent(new URL(postgres.adminUrl).password);
  const env = fake.created.get(name)!.properties.containers[0]!.properties.environmentVariables as {
    name: string;
    value?: string;
    secureValue?: string;
  }[];
  assert.deepEqual(
    env
      .filter((e) => e.secureValue !== undefined)
      .map((e) => e.name)
      .sort(),
    [SECRET_ENV.appPassword, SECRET_ENV.connectionPassword].sort(),
  );
  assert.equal(env.find((e) => e.name === SECRET_ENV.appPassword)!.secureValue, appPassword);
  const plain = body.split(`"secureValue":"${appPassword}"`).join("").split(`"secureValue":"${adminPassword}"`).join("");
  for (const secret of [appPassword, adminPassword]) assert.ok(!plain.includes(secret), "no password outside a secure value");
  const url = new URL(postgres.adminUrl);
  const rows = await pgQuery<{ u: string }>(
    `postgresql://${appUser}:${appPassword}@${url.host}/${appUser}`,
    "SELECT current_user AS u",
  );
  assert.deepEqual(rows, [{ u: appUser }]);
  assert.ok(fake.deleted.includes(name));
});

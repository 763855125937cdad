// `bootstrap: { via: "runner" }` (the default with a private server) under Pulumi's mocks: the runner
// subnet delegated to container groups in the server's VNet, its NSG, the initial setup through the
// runner as VisorSchema's secret `setup` input (as on AWS), and the same `runner.azure` target on
// VisorSchema and VisorHaSmokeTest; "direct" and public access keep the deployer's @pulumi/postgresql
// setup and no runner.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SUBNET, isSecretInput, one, setupAzureMocks, unwrap } from "./helpers";
setupAzureMocks();
import { T, make, ofType } from "./component-fixtures";
import { runnerPrefixIn } from "../../components/azure/runner";
import { runnerTargetProblem } from "../../components/visor/runner/transport";

const SUBNET_T = "azure-native:network:Subnet";
const NSG_T = "azure-native:network:NetworkSecurityGroup";

test("default: a runner subnet delegated to container groups, its NSG, runner.azure on schema and smoke test, setup in the schema", async () => {
  await make("run");
  const subnet = one("run", SUBNET_T, "run-runner-subnet").inputs;
  assert.deepEqual(subnet.delegations, [
    { name: "container-groups", serviceName: "Microsoft.ContainerInstance/containerGroups" },
  ]);
  assert.equal(subnet.resourceGroupName, "net", "in the server's VNet");
  assert.equal(subnet.virtualNetworkName, "vnet");
  assert.equal(subnet.subnetName, "visor-db-runner");
  assert.equal(subnet.addressPrefix, "10.20.255.240/28", "the highest free /28 of the VNet");
  assert.deepEqual(subnet.networkSecurityGroup, { id: "run-runner-nsg-id" });
  assert.equal(subnet.natGateway, undefined);

  const rules = one("run", NSG_T, "run-runner-nsg").inputs.securityRules as Record<string, unknown>[];
  const toServer = rules.find((r) => r.name === "visor-db-to-server")!;
  assert.deepEqual(toServer.destinationPortRanges, ["5432", "6432"]);
  assert.equal(toServer.destinationAddressPrefix, "10.20.1.0/24", "the server's subnet");
  assert.equal(toServer.direction, "Outbound");
  assert.equal(toServer.access, "Allow");
  assert.ok(rules.some((r) => r.destinationAddressPrefix === "MicrosoftContainerRegistry" && r.access === "Allow"));
  assert.ok(!rules.some((r) => String(r.name).startsWith("dns-")), "Azure's resolver needs no rule");

  const schema = one("run", T.schema, "run-schema").inputs;
  const smoke = one("run", T.smoke, "run-smoke-test").inputs;
  const expected = {
    azure: {
      subscriptionId: "0000",
      resourceGroupName: "rg-visor",
      location: "westeurope",
      subnetId: "run-runner-subnet-id",
      image: "mcr.microsoft.com/devcontainers/javascript-node:22-bookworm",
      dnsServers: ["168.63.129.16"],
      timeoutMs: 300_000,
    },
  };
  for (const r of [schema, smoke]) assert.deepEqual(r.runner, expected);
  assert.equal(smoke.setup, undefined, "the setup runs once, before the schema");
  assert.ok(isSecretInput(schema.setup), "the admin's password only as a secret");
  const setup = unwrap<{ admin: Record<string, unknown>; appUser: string; databaseName: string; appPassword: string }>(
    schema.setup,
  );
  assert.equal(setup.admin.host, "run-server.postgres.database.azure.com");
  assert.equal(setup.admin.database, "postgres");
  assert.equal(setup.admin.user, "visoradmin");
  assert.equal((setup.admin.ssl as { mode: string }).mode, "verify-full");
  assert.deepEqual([setup.appUser, setup.databaseName], ["visor", "visor"]);
  assert.match(setup.appPassword, /^SCRAM-SHA-256\$4096:/, "the verifier, never the plain password");
  assert.deepEqual(ofType("run", T.pgProvider), [], "no connection from the deployer");
  assert.deepEqual(ofType("run", T.pgRole), []);
});

test("direct: the deployer's @pulumi/postgresql setup, no runner resources, no runner input", async () => {
  await make("dir", { bootstrap: { via: "direct" } });
  assert.equal(ofType("dir", T.pgProvider).length, 1);
  assert.equal(ofType("dir", T.pgRole).length, 1);
  assert.deepEqual([...ofType("dir", SUBNET_T), ...ofType("dir", NSG_T)], []);
  assert.equal(one("dir", T.schema, "dir-schema").inputs.runner, undefined);
  assert.equal(one("dir", T.schema, "dir-schema").inputs.setup, undefined);
  assert.equal(one("dir", T.smoke, "dir-smoke-test").inputs.runner, undefined);
});

test("public access defaults to direct; the runner's options reach the subnet and the target", async () => {
  await make("pub", {
    publicAccess: { allowedIpRanges: [{ name: "office", startIpAddress: "203.0.113.1", endIpAddress: "203.0.113.1" }] },
    delegatedSubnetId: undefined,
    privateDnsZoneId: undefined,
  });
  assert.deepEqual(ofType("pub", SUBNET_T), []);
  assert.equal(ofType("pub", T.pgProvider).length, 1);

  await make("opt", {
    runner: {
      subnetAddressPrefix: "10.20.3.0/28",
      natGatewayId: "/nat/1",
      image: "mcr.microsoft.com/devcontainers/javascript-node@sha256:0000",
      dnsServers: ["10.20.0.4"],
      timeoutMs: 600_000,
    },
  });
  const subnet = one("opt", SUBNET_T, "opt-runner-subnet").inputs;
  assert.equal(subnet.addressPrefix, "10.20.3.0/28");
  assert.deepEqual(subnet.natGateway, { id: "/nat/1" });
  const dns = (one("opt", NSG_T, "opt-runner-nsg").inputs.securityRules as Record<string, unknown>[]).find(
    (r) => r.name === "dns-0",
  )!;
  assert.deepEqual([dns.destinationAddressPrefix, dns.destinationPortRanges, dns.access], ["10.20.0.4", ["53"], "Allow"]);
  const target = one("opt", T.smoke, "opt-smoke-test").inputs.runner as { azure: Record<string, unknown> };
  assert.deepEqual(target.azure.dnsServers, ["10.20.0.4"]);
  assert.equal(target.azure.timeoutMs, 600_000);
  assert.equal(target.azure.image, "mcr.microsoft.com/devcontainers/javascript-node@sha256:0000");
});

test("bad runner arguments: one clear error naming the field", async () => {
  const cases: [object, RegExp][] = [
    [{ bootstrap: { via: "lambda" } }, /bootstrap\.via.*"runner", "direct"/],
    [
      {
        bootstrap: { via: "runner" },
        publicAccess: { allowedIpRanges: [{ name: "o", startIpAddress: "203.0.113.1", endIpAddress: "203.0.113.1" }] },
        delegatedSubnetId: undefined,
        privateDnsZoneId: undefined,
      },
      /bootstrap\.via.*"direct" with publicAccess/,
    ],
    [{ bootstrap: { via: "direct" }, runner: { image: "x" } }, /runner.*omitted unless bootstrap\.via is "runner"/],
    [{ runner: { subnetAddressPrefix: "10.20.3.1/28" } }, /runner\.subnetAddressPrefix.*\/20 to \/28/],
    [{ runner: { subnetAddressPrefix: "10.20.0.0/16" } }, /runner\.subnetAddressPrefix/],
    [{ runner: { dnsServers: [] } }, /runner\.dnsServers.*1 to 3 IPv4 addresses/],
    [{ runner: { timeoutMs: 1000 } }, /runner\.timeoutMs/],
  ];
  for (const [i, [args, message]] of cases.entries()) await assert.rejects(make(`bad-${i}`, args), message);
});

test("the runner range is checked against the VNet: inside its space, overlapping no subnet, else the highest free /28", () => {
  const vnet = {
    addressPrefixes: ["10.0.0.0/24"],
    subnets: [
      { name: "postgres", addressPrefix: "10.0.0.0/26" },
      { name: "apps", addressPrefix: "10.0.0.240/28" },
      { name: "visor-db-runner", addressPrefix: "10.0.0.224/28" },
    ],
  };
  assert.equal(runnerPrefixIn(vnet, "visor-db-runner", undefined), "10.0.0.224/28", "its own earlier range is free to it");
  assert.equal(runnerPrefixIn(vnet, "other-runner", undefined), "10.0.0.208/28");
  assert.equal(runnerPrefixIn(vnet, "visor-db-runner", "10.0.0.64/27"), "10.0.0.64/27");
  assert.throws(
    () => runnerPrefixIn(vnet, "visor-db-runner", "10.1.0.0/28"),
    /10\.1\.0\.0\/28 is not inside the VNet's address space \(10\.0\.0\.0\/24\)/,
  );
  assert.throws(() => runnerPrefixIn(vnet, "visor-db-runner", "10.0.0.32/28"), /overlaps a subnet of the VNet/);
  const full = { addressPrefixes: ["10.0.0.0/28"], subnets: [{ name: "postgres", addressPrefix: "10.0.0.0/28" }] };
  assert.throws(() => runnerPrefixIn(full, "visor-db-runner", undefined), /no free \/28 .*set runner\.subnetAddressPrefix/);
});

test("the target the component builds passes the providers' check once its ids are real", () => {
  const azure = {
    subscriptionId: "00000000-0000-4000-8000-000000000001",
    resourceGroupName: "rg-visor",
    location: "westeurope",
    subnetId: SUBNET.replace("0000", "00000000-0000-4000-8000-000000000001").replace("/postgres", "/visor-db-runner"),
    image: "mcr.microsoft.com/devcontainers/javascript-node:22-bookworm",
    dnsServers: ["168.63.129.16"],
    timeoutMs: 300_000,
  };
  assert.equal(runnerTargetProblem({ azure }), undefined);
});

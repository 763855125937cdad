// Issue 19 under mocks: with only the required arguments, AwsVisorDatabase bootstraps and smoke-tests
// through the runner: a Lambda function (Node.js 22, arm64) in the given subnets, its own security group
// allowed to 5432 and the pooler's 6432, a role with only VPC access, the bundle as its code, no
// credential in its configuration, no @pulumi/postgresql connection from the deployer, and `runner`
// passed to VisorSchema (with the initial setup) and VisorHaSmokeTest.
import {
  REGION,
  REQUIRED,
  RDS_CA,
  SUBNETS,
  byPrefix,
  isSecretInput,
  one,
  registeredOptions,
  settle,
  setupAwsMocks,
  unwrap,
} from "./helpers";
setupAwsMocks();

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { AwsVisorDatabase } from "../../components/aws";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RUNNER_ARCHITECTURE, RUNNER_RUNTIME, runnerBundleDir } from "../../components/aws/runner";

const N = "vrun";
const P = "vrunproxy";
let component: AwsVisorDatabase;

/** A registered input with every nested Pulumi secret unwrapped. */
function deep(v: unknown): unknown {
  const x = unwrap(v) as unknown;
  if (Array.isArray(x)) return x.map(deep);
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, deep(y)]));
  return x;
}

before(async () => {
  component = new AwsVisorDatabase(N, REQUIRED);
  await settle(component);
  await settle(new AwsVisorDatabase(P, { ...REQUIRED, pooler: "rds-proxy" }));
});

test("the runner function: Node.js 22 on arm64 in the component's subnets, the bundle as code, no environment", () => {
  const fn = one(N, "aws:lambda/function:Function", `${N}-runner`).inputs;
  assert.equal(fn.runtime, RUNNER_RUNTIME);
  assert.equal(RUNNER_RUNTIME, "nodejs22.x");
  assert.deepEqual(fn.architectures, [RUNNER_ARCHITECTURE]);
  assert.equal(RUNNER_ARCHITECTURE, "arm64");
  assert.equal(fn.handler, "visor-db-runner.handler");
  const vpcConfig = fn.vpcConfig as { subnetIds: string[]; securityGroupIds: string[] };
  assert.deepEqual(vpcConfig.subnetIds, SUBNETS);
  const runnerSg = one(N, "aws:ec2/securityGroup:SecurityGroup", `${N}-runner`);
  assert.equal(vpcConfig.securityGroupIds.length, 1);
  assert.equal(fn.environment, undefined, "no credential (nor anything else) in the function's configuration");
  assert.equal(fn.timeout, 900);
  assert.ok(runnerSg);
  // The code is an archive of the built bundle (dist/runner next to the package).
  assert.match(JSON.stringify(fn.code), /__pulumiArchive/);
  assert.ok(existsSync(join(runnerBundleDir(), "visor-db-runner.cjs")), `${runnerBundleDir()}: run npm run build`);
});

test("its security group reaches only the database (5432) and PgBouncer (6432), each side allowing it", () => {
  const rules = byPrefix(N).filter((r) => r.name.startsWith(`${N}-runner-`) && /SecurityGroup(Ingress|Egress)Rule$/.test(r.type));
  const shape = rules.map(
    (r) => `${r.type.endsWith("EgressRule") ? "egress" : "ingress"}:${r.inputs.fromPort}-${r.inputs.toPort}:${r.name}`,
  );
  assert.deepEqual(shape.sort(), [
    `egress:5432-5432:${N}-runner-to-db`,
    `egress:6432-6432:${N}-runner-to-pooler`,
    `ingress:5432-5432:${N}-runner-db-from-runner`,
    `ingress:6432-6432:${N}-runner-pooler-from-runner`,
  ]);
  for (const r of rules) {
    assert.equal(r.inputs.cidrIpv4, undefined, `${r.name}: security group to security group, no CIDR`);
    assert.ok(r.inputs.referencedSecurityGroupId, r.name);
  }
  // With RDS Proxy, the pooler side is the proxy's security group on 5432.
  const proxyRules = byPrefix(P).filter((r) => r.name.startsWith(`${P}-runner-`) && r.name.includes("pooler"));
  assert.deepEqual(proxyRules.map((r) => [r.name, r.inputs.fromPort]).sort(), [
    [`${P}-runner-pooler-from-runner`, 5432],
    [`${P}-runner-to-pooler`, 5432],
  ]);
});

test("its role: assumed by Lambda, only AWSLambdaVPCAccessExecutionRole, no inline or broad policy", () => {
  const role = one(N, "aws:iam/role:Role", `${N}-runner-role`).inputs;
  const trust = JSON.parse(String(role.assumeRolePolicy)) as { Statement: { Principal: { Service: string } }[] };
  assert.deepEqual(
    trust.Statement.map((s) => s.Principal.Service),
    ["lambda.amazonaws.com"],
  );
  const attached = byPrefix(N).filter(
    (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name.startsWith(`${N}-runner`),
  );
  assert.deepEqual(
    attached.map((a) => a.inputs.policyArn),
    ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
  );
  const inline = byPrefix(N).filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.startsWith(`${N}-runner`));
  assert.deepEqual(inline, []);
  const deps = registeredOptions.get(`aws:lambda/function:Function::${N}-runner`)?.dependsOn ?? [];
  assert.ok(
    deps.some((u) => u.endsWith(`::${N}-runner-vpc-access`)),
    "the function waits for its VPC permissions",
  );
});

test("VisorSchema (with the initial setup) and VisorHaSmokeTest get `runner`; nothing connects from the deployer", () => {
  const schema = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema", `${N}-schema`).inputs;
  const smoke = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest", `${N}-smoke-test`).inputs;
  for (const inputs of [schema, smoke]) {
    const target = deep(inputs.runner) as { aws: { functionName: string; region?: string } };
    assert.deepEqual(target, { aws: { functionName: `${N}-runner-0a1b2c3`, region: REGION } });
  }
  assert.equal(byPrefix(N).filter((r) => r.type.startsWith("postgresql:") || r.type === "pulumi:providers:postgresql").length, 0);
  assert.equal(component.resources.appRole, undefined);
  // The setup rides in VisorSchema's inputs, a secret whole: the master user over verify-full, the role's verifier.
  assert.ok(isSecretInput(schema.setup));
  const setup = deep(schema.setup) as {
    admin: Record<string, unknown>;
    appUser: string;
    databaseName: string;
    appPassword: string;
  };
  assert.deepEqual(
    [setup.appUser, setup.databaseName, setup.admin.database, setup.admin.user],
    ["visor", "visor", "postgres", "visor_admin"],
  );
  assert.deepEqual(setup.admin.ssl, { mode: "verify-full", ca: RDS_CA });
  assert.match(setup.appPassword, /^SCRAM-SHA-256\$4096:/);
  const options = registeredOptions.get(`pulumi-nodejs:dynamic/visor-db-infra:VisorSchema::${N}-schema`);
  assert.ok(options?.additionalSecretOutputs.includes("setup"), "setup stays secret in the outputs too");
  for (const needed of [`${N}-runner`, `${N}-runner-db-from-runner`, `${N}-writer`]) {
    assert.ok(
      options!.dependsOn.some((u) => u.endsWith(`::${needed}`)),
      `VisorSchema waits for ${needed}`,
    );
  }
});

test('`bootstrap: { via: "direct" }` and `bootstrap: false` make no runner; a bad `via` names the field', async () => {
  await settle(new AwsVisorDatabase("vdirect", { ...REQUIRED, bootstrap: { via: "direct" } }));
  await settle(new AwsVisorDatabase("voff", { ...REQUIRED, bootstrap: false }));
  for (const name of ["vdirect", "voff"]) {
    assert.deepEqual(
      byPrefix(name).filter((r) => r.type === "aws:lambda/function:Function"),
      [],
      name,
    );
  }
  assert.equal(one("vdirect", "pulumi:providers:postgresql", "vdirect-pg-admin").inputs.sslmode, "verify-full");
  assert.throws(
    () => new AwsVisorDatabase("vbad", { ...REQUIRED, bootstrap: { via: "lambda" as never } }),
    /bootstrap\.via.*runner.*direct/,
  );
});

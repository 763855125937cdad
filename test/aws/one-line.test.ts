// Issue 16's "done when": the one-line constructor (vpcId, subnetIds and an allowed source, nothing else)
// plans every connection verify-full against a bundled RDS CA, a PgBouncer task definition well under
// ECS's 64 KiB, and tuning that fits the instance class.
import { RDS_CA, isSecretInput, one, setupAwsMocks, settle, unwrap } from "./helpers";
setupAwsMocks();

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { AwsVisorDatabase } from "../../components/aws";
import { RDS_INSTANCE_MEMORY_GIB } from "../../components/aws/instance-classes";

const N = "oneline";
const TASK_DEFINITION_LIMIT = 64 * 1024;
const inputs = (type: string, name: string) => one(N, type, name).inputs;

before(async () => {
  await settle(
    new AwsVisorDatabase(N, {
      vpcId: "vpc-0a1b2c3d4e5f60718",
      subnetIds: ["subnet-a", "subnet-b"],
      allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
    }),
  );
});

test("every connection to the database is verify-full against the bundled RDS CAs of the region", () => {
  assert.equal(RDS_CA.match(/BEGIN CERTIFICATE/g)?.length, 3, "us-east-1's three G1 roots");
  // VisorSchema and the smoke test's writer connection.
  const schema = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema", `${N}-schema`).inputs;
  const smoke = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest", `${N}-smoke-test`).inputs;
  for (const connection of [schema.connection, smoke.connection]) {
    assert.ok(isSecretInput(connection));
    assert.deepEqual(unwrap<{ ssl: unknown }>(connection).ssl, { mode: "verify-full", ca: RDS_CA });
  }
  // The initial setup, which the one-line constructor runs through the runner as VisorSchema's `setup`.
  assert.ok(isSecretInput(schema.setup));
  assert.deepEqual(unwrap<{ admin: { ssl: unknown } }>(schema.setup).admin.ssl, { mode: "verify-full", ca: RDS_CA });
  // PgBouncer to the writer: verify-full with server_tls_ca_file written from its config secret.
  const files = JSON.parse(
    unwrap<string>(inputs("aws:secretsmanager/secretVersion:SecretVersion", `${N}-pgbouncer-config`).secretString),
  );
  const ini = (files.ini as string).split("\n");
  assert.ok(ini.includes("server_tls_sslmode = verify-full"), files.ini);
  assert.ok(ini.includes("server_tls_ca_file = /tmp/pgbouncer/rds-ca.pem"), files.ini);
  assert.equal(files.rdsCa, RDS_CA);
  // Clients to PgBouncer: verify-full against its own certificate; the app secret carries the RDS CAs too.
  const pooler = unwrap<{ ssl: { mode: string; ca?: string } }>(smoke.poolerConnection);
  assert.equal(pooler.ssl.mode, "verify-full");
  assert.ok(pooler.ssl.ca?.includes("BEGIN CERTIFICATE"));
  const app = JSON.parse(
    unwrap<string>(inputs("aws:secretsmanager/secretVersion:SecretVersion", `${N}-app-connection`).secretString),
  );
  assert.deepEqual([app.sslmode, app.serverCa, app.sslrootcertPem], ["verify-full", RDS_CA, pooler.ssl.ca]);
});

test("the PgBouncer task definition is well under ECS's 64 KiB, with no certificate in it", () => {
  const td = inputs("aws:ecs/taskDefinition:TaskDefinition", `${N}-pgbouncer`);
  const containers = String(td.containerDefinitions);
  const whole = Buffer.byteLength(JSON.stringify({ ...td, containerDefinitions: JSON.parse(containers) }));
  assert.ok(Buffer.byteLength(containers) < 8 * 1024, `container definitions: ${Buffer.byteLength(containers)} bytes`);
  assert.ok(whole < TASK_DEFINITION_LIMIT / 8, `task definition: ${whole} bytes`);
  assert.ok(!containers.includes("BEGIN CERTIFICATE"), "the CAs arrive through the secret, not the task definition");
  // A Fargate pair ECS accepts.
  assert.deepEqual([td.cpu, td.memory], ["256", "512"]);
});

test("tuning fits db.t4g.medium: the guide's 25 % / 50 % of its 4 GiB, within the instance", () => {
  const memory = RDS_INSTANCE_MEMORY_GIB["db.t4g.medium"]! * 1024 ** 3;
  assert.equal(inputs("aws:rds/instance:Instance", `${N}-writer`).instanceClass, "db.t4g.medium");
  const p = Object.fromEntries(
    (inputs("aws:rds/parameterGroup:ParameterGroup", `${N}-params`).parameters as { name: string; value: string }[]).map((x) => [
      x.name,
      Number(x.value),
    ]),
  );
  assert.equal(p.shared_buffers! * 8192, memory / 4);
  assert.equal(p.effective_cache_size! * 8192, memory / 2);
  assert.ok(p.shared_buffers! * 8192 + p.max_connections! * p.work_mem! * 1024 < memory);
});

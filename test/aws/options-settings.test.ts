// Options that tune what gets built: KMS, the CA bundle, overrides, alarms to SNS, PgBouncer settings,
// the transform hooks and CIDR sources; and no secret in plain inputs.
import { PEM, REGION, byPrefix, ofType, one, registeredOptions, setupAwsMocks, unwrap } from "./helpers";
setupAwsMocks();

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { KMS, TOPIC, assertSecretsAreSecret, make, types } from "./options-support";

// Each case builds its own component (distinct names), so they run concurrently.
describe("options", { concurrency: true }, () => {
  test("KMS key: storage, master secret, Performance Insights, secrets, and the PgBouncer role may decrypt", async () => {
    const N = "kms";
    await make(N, { kmsKeyId: KMS });
    const w = one(N, "aws:rds/instance:Instance", `${N}-writer`).inputs;
    assert.deepEqual([w.kmsKeyId, w.masterUserSecretKmsKeyId, w.performanceInsightsKmsKeyId], [KMS, KMS, KMS]);
    for (const s of ofType(N, "aws:secretsmanager/secret:Secret")) assert.equal(s.inputs.kmsKeyId, KMS, s.name);
    const policy = JSON.parse(String(one(N, "aws:iam/rolePolicy:RolePolicy", `${N}-pgbouncer-read-config`).inputs.policy));
    assert.deepEqual(policy.Statement[1], { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS] });
    assert.equal(
      (one(N, "random:index/randomId:RandomId", `${N}-final-snapshot-suffix`).inputs.keepers as Record<string, string>).kmsKeyId,
      KMS,
    );
  });

  test("CA bundle override: verify-full against it for bootstrap, PgBouncer (via its secret) and the admin connection", async () => {
    const N = "cab";
    await make(N, { caBundlePem: PEM, caBundleFile: "/etc/ssl/rds/global-bundle.pem" });
    const schema = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema", `${N}-schema`);
    assert.deepEqual(unwrap<Record<string, unknown>>(schema.inputs.connection).ssl, { mode: "verify-full", ca: PEM });
    const { ini, rdsCa } = JSON.parse(
      unwrap<string>(one(N, "aws:secretsmanager/secretVersion:SecretVersion", `${N}-pgbouncer-config`).inputs.secretString),
    );
    assert.ok(ini.split("\n").includes("server_tls_ca_file = /tmp/pgbouncer/rds-ca.pem"), ini);
    assert.equal(rdsCa, PEM);
    // The CAs reach the container as an ECS secret, not in the task definition (64 KiB in all).
    const [container] = JSON.parse(
      String(one(N, "aws:ecs/taskDefinition:TaskDefinition", `${N}-pgbouncer`).inputs.containerDefinitions),
    );
    assert.equal(
      container.secrets.find((e: { name: string }) => e.name === "RDS_CA_BUNDLE")?.valueFrom,
      `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-pgbouncer-config:rdsCa::`,
    );
    assert.ok(!container.environment.some((e: { name: string }) => e.name === "RDS_CA_BUNDLE"));
    assert.match(container.command[0], /rds-ca\.pem/);
    assert.equal(one(N, "pulumi:providers:postgresql", `${N}-pg-admin`).inputs.sslrootcert, "/etc/ssl/rds/global-bundle.pem");
  });

  test("overrides: tuning and raw parameters merged on top, engine version, sizes, windows, Multi-AZ off, PI off", async () => {
    const N = "ovr";
    await make(N, {
      engineVersion: "16",
      instanceClass: "db.r7g.large",
      allocatedStorage: 50,
      maxAllocatedStorage: 500,
      multiAz: false,
      retentionDays: 14,
      backupWindow: "01:00-02:00",
      maintenanceWindow: "sat:04:00-sat:05:00",
      tuning: { sharedBuffers: "1GB", maxConnections: 200 },
      parameters: { work_mem: "8192", log_min_duration_statement: "500" },
      performanceInsights: false,
      monitoringInterval: 0,
      caCertIdentifier: "rds-ca-ecc384-g1",
      deletionProtection: false,
      databaseName: "scheduler",
      appUser: "visor_app",
      masterUsername: "dbadmin",
      tags: { team: "platform" },
    });
    const w = one(N, "aws:rds/instance:Instance", `${N}-writer`).inputs;
    assert.deepEqual(
      [
        w.engineVersion,
        w.instanceClass,
        w.allocatedStorage,
        w.maxAllocatedStorage,
        w.multiAz,
        w.backupRetentionPeriod,
        w.backupWindow,
        w.maintenanceWindow,
      ],
      ["16", "db.r7g.large", 50, 500, false, 14, "01:00-02:00", "sat:04:00-sat:05:00"],
    );
    assert.deepEqual(
      [w.performanceInsightsEnabled, w.performanceInsightsRetentionPeriod, w.monitoringInterval, w.monitoringRoleArn],
      [false, undefined, 0, undefined],
    );
    assert.equal(w.caCertIdentifier, "rds-ca-ecc384-g1");
    // Deletion protection is the user's to switch off, the final snapshot is not.
    assert.deepEqual([w.deletionProtection, w.skipFinalSnapshot], [false, false]);
    assert.ok(!byPrefix(N).some((r) => r.name === `${N}-monitoring`), "no enhanced monitoring role when the interval is 0");
    const g = one(N, "aws:rds/parameterGroup:ParameterGroup", `${N}-params`).inputs;
    assert.deepEqual([g.family, g.namePrefix], ["postgres16", "visor-postgres16-"]);
    const p = Object.fromEntries(
      (g.parameters as { name: string; value: string; applyMethod: string }[]).map((x) => [x.name, [x.value, x.applyMethod]]),
    );
    assert.deepEqual(p.shared_buffers, ["131072", "pending-reboot"]);
    assert.deepEqual(p.max_connections, ["200", "pending-reboot"]);
    assert.deepEqual(p.work_mem, ["8192", "immediate"]);
    // Dynamic: applied at once, not at the next reboot.
    assert.deepEqual(p.log_min_duration_statement, ["500", "immediate"]);
    assert.deepEqual(w.tags, { "managed-by": "visor-db-infra", team: "platform" });
    assert.equal(w.username, "dbadmin");
    assert.deepEqual(
      [
        one(N, "postgresql:index/role:Role", `${N}-app-role`).inputs.name,
        one(N, "postgresql:index/database:Database", `${N}-app-database`).inputs.name,
      ],
      ["visor_app", "scheduler"],
    );
    const conn = one(N, "aws:cloudwatch/metricAlarm:MetricAlarm", `${N}-connections`).inputs;
    assert.equal(conn.threshold, 185); // 95% of 200 − 5 reserved
  });

  test("alarms: to an SNS topic with custom thresholds; alarms: false creates none", async () => {
    await make("sns", { alarms: { snsTopicArn: TOPIC, cpuPercent: 90, connectionsPercent: 99, freeableMemoryMiB: 512 } });
    const alarms = ofType("sns", "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.equal(alarms.length, 4);
    for (const a of alarms) {
      assert.deepEqual(a.inputs.alarmActions, [TOPIC]);
      assert.deepEqual(a.inputs.okActions, [TOPIC]);
    }
    assert.equal(alarms.find((a) => a.name === "sns-cpu")?.inputs.threshold, 90);
    assert.equal(alarms.find((a) => a.name === "sns-connections")?.inputs.threshold, 44); // 99% of 50 − 5
    assert.equal(alarms.find((a) => a.name === "sns-freeable-memory")?.inputs.threshold, 512 * 1024 * 1024);
    await make("noal", { alarms: false });
    assert.equal(ofType("noal", "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
  });

  test("PgBouncer settings: image, task count, size, subnets, an existing cluster, pool sizes", async () => {
    const N = "pgs";
    await make(N, {
      pool: { defaultPoolSize: 10, minPoolSize: 2, maxClientConn: 500 },
      poolerSettings: {
        image: "registry.example.com/pgbouncer:1.24.1",
        desiredCount: 3,
        cpu: 512,
        memory: 1024,
        subnetIds: ["subnet-p1", "subnet-p2", "subnet-p3"],
        clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/shared",
        logRetentionDays: 90,
      },
    });
    assert.ok(!types(N).has("aws:ecs/cluster:Cluster"));
    const svc = one(N, "aws:ecs/service:Service", `${N}-pgbouncer`).inputs;
    assert.deepEqual(
      [svc.cluster, svc.desiredCount, (svc.networkConfiguration as Record<string, unknown>).subnets],
      ["arn:aws:ecs:us-east-1:123456789012:cluster/shared", 3, ["subnet-p1", "subnet-p2", "subnet-p3"]],
    );
    const td = one(N, "aws:ecs/taskDefinition:TaskDefinition", `${N}-pgbouncer`).inputs;
    assert.deepEqual(
      [td.cpu, td.memory, JSON.parse(String(td.containerDefinitions))[0].image],
      ["512", "1024", "registry.example.com/pgbouncer:1.24.1"],
    );
    assert.equal(one(N, "aws:cloudwatch/logGroup:LogGroup", `${N}-pgbouncer`).inputs.retentionInDays, 90);
    const { ini } = JSON.parse(
      unwrap<string>(one(N, "aws:secretsmanager/secretVersion:SecretVersion", `${N}-pgbouncer-config`).inputs.secretString),
    );
    for (const line of ["default_pool_size = 10", "min_pool_size = 2", "max_client_conn = 500"])
      assert.ok(ini.split("\n").includes(line), line);
  });

  test("transform hooks change a child's args and options before it is registered", async () => {
    const N = "trf";
    await make(N, {
      transform: {
        instance: (args) => ({ args: { ...args, instanceClass: "db.m7g.xlarge", applyImmediately: true } }),
        parameterGroup: (args) => ({ args: { ...args, description: "changed by transform" } }),
        service: (args, opts) => ({ args: { ...args, enableExecuteCommand: true }, opts: { ...opts, protect: true } }),
        alarm: (args) => ({ args: { ...args, treatMissingData: "breaching" } }),
        ingressRule: () => undefined,
        poolerTlsKey: (args) => ({ args: { ...args, ecdsaCurve: "P384" } }),
        poolerTlsCertificate: (args) => ({ args: { ...args, validityPeriodHours: 24 * 365 } }),
      },
    });
    assert.equal(one(N, "tls:index/privateKey:PrivateKey", `${N}-pooler-tls-key`).inputs.ecdsaCurve, "P384");
    const cert = one(N, "tls:index/selfSignedCert:SelfSignedCert", `${N}-pooler-tls-cert`).inputs;
    assert.deepEqual([cert.validityPeriodHours, cert.dnsNames], [24 * 365, [`${N}-pgbouncer-mock.elb.${REGION}.amazonaws.com`]]);
    const w = one(N, "aws:rds/instance:Instance", `${N}-writer`).inputs;
    assert.deepEqual([w.instanceClass, w.applyImmediately, w.engine], ["db.m7g.xlarge", true, "postgres"]);
    assert.equal(one(N, "aws:rds/parameterGroup:ParameterGroup", `${N}-params`).inputs.description, "changed by transform");
    assert.equal(one(N, "aws:ecs/service:Service", `${N}-pgbouncer`).inputs.enableExecuteCommand, true);
    assert.equal(registeredOptions.get(`aws:ecs/service:Service::${N}-pgbouncer`)?.protect, true);
    assert.ok(ofType(N, "aws:cloudwatch/metricAlarm:MetricAlarm").every((a) => a.inputs.treatMissingData === "breaching"));
    // A hook returning nothing leaves the child as it was, still parented to the component.
    assert.equal(one(N, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${N}-db-from-sg-0`).inputs.fromPort, 5432);
    assert.match(
      registeredOptions.get(`aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::${N}-db-from-sg-0`)!.parent,
      /AwsVisorDatabase::trf$/,
    );
  });

  test("CIDR sources get their own rules on the database and the pooler", async () => {
    const N = "cidr";
    await make(N, { allowedSecurityGroupIds: [], allowedCidrBlocks: ["10.20.0.0/16"] });
    const rules = ofType(N, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
      (r) => r.inputs.cidrIpv4 !== undefined,
    );
    assert.deepEqual(rules.map((r) => [r.name, r.inputs.cidrIpv4, r.inputs.fromPort]).sort(), [
      [`${N}-db-from-cidr-0`, "10.20.0.0/16", 5432],
      [`${N}-pgbouncer-nlb-from-cidr-0`, "10.20.0.0/16", 6432],
    ]);
  });
});

test("secrets never appear in plain inputs", () => {
  const seen = assertSecretsAreSecret();
  assert.ok(seen.resources > 300, `${seen.resources} resources registered by this file`);
  assert.ok(seen.checked >= 40, `${seen.checked} password/secretString inputs checked`);
});

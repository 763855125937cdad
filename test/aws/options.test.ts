// Every option beyond the defaults: Aurora, replicas (same and cross region), RDS Proxy, no pooler,
// AWS Backup variants, bootstrap off, KMS, the CA bundle, overrides, alarms to SNS and the transform hooks.
import {
  MINIMAL,
  PEM,
  REGION,
  byPrefix,
  isSecretInput,
  ofType,
  one,
  registeredOptions,
  settle,
  setupAwsMocks,
  unwrap,
} from "./helpers";
setupAwsMocks();

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsVisorDatabase, type AwsVisorDatabaseArgs } from "../../components/aws";
import { registered, resolve } from "../support/pulumi-mocks";

const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const WEST_KMS = "arn:aws:kms:us-west-2:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:visor-db-alarms";

async function make(name: string, args: Partial<AwsVisorDatabaseArgs>): Promise<AwsVisorDatabase> {
  const db = new AwsVisorDatabase(name, { ...MINIMAL, ...args });
  await settle(db);
  return db;
}
const types = (name: string) => new Set(byPrefix(name).map((r) => r.type));
const params = (name: string, type: string, child: string) =>
  Object.fromEntries(
    (one(name, type, child).inputs.parameters as { name: string; value: string; applyMethod: string }[]).map((p) => [
      p.name,
      p.value,
    ]),
  );

// Each case builds its own component (distinct names), so they run concurrently.
describe("options", { concurrency: true }, () => {
  test("aurora: a cluster with a writer and one reader by default, writer and reader endpoints", async () => {
    const N = "aur";
    const db = await make(N, { engine: "aurora" });
    const c = one(N, "aws:rds/cluster:Cluster", `${N}-cluster`).inputs;
    assert.equal(c.engine, "aurora-postgresql");
    assert.equal(c.engineVersion, "17");
    assert.equal(c.storageType, undefined);
    assert.equal(c.storageEncrypted, true);
    assert.equal(c.manageMasterUserPassword, true);
    assert.equal(c.masterUsername, "visor_admin");
    assert.deepEqual(
      [c.backupRetentionPeriod, c.preferredBackupWindow, c.copyTagsToSnapshot, c.skipFinalSnapshot, c.deletionProtection],
      [7, "03:00-03:30", true, false, true],
    );
    assert.match(String(c.finalSnapshotIdentifier), /^aur-final-[0-9a-f]{8}$/);
    assert.equal(c.iamDatabaseAuthenticationEnabled, true);
    assert.deepEqual(c.enabledCloudwatchLogsExports, ["postgresql"]);
    assert.equal(c.dbClusterParameterGroupName, "visor-aurora-postgresql17-mock");
    assert.equal(c.dbInstanceParameterGroupName, "visor-aurora-postgresql17-mock");
    const instances = ofType(N, "aws:rds/clusterInstance:ClusterInstance");
    assert.deepEqual(instances.map((i) => [i.name, i.inputs.promotionTier]).sort(), [
      [`${N}-reader-0`, 1],
      [`${N}-writer`, 0],
    ]);
    for (const i of instances) {
      assert.deepEqual(
        [
          i.inputs.clusterIdentifier,
          i.inputs.publiclyAccessible,
          i.inputs.caCertIdentifier,
          i.inputs.performanceInsightsEnabled,
          i.inputs.monitoringInterval,
        ],
        [`${N}-cluster-id`, false, "rds-ca-rsa2048-g1", true, 60],
      );
    }
    assert.ok(!types(N).has("aws:rds/instance:Instance"));
    assert.deepEqual((await resolve(db.writerEndpoint)).value, {
      host: `${N}-cluster.cluster-cmock.${REGION}.rds.amazonaws.com`,
      port: 5432,
    });
    assert.deepEqual((await resolve(db.readerEndpoints)).value, [
      { host: `${N}-cluster.cluster-ro-cmock.${REGION}.rds.amazonaws.com`, port: 5432 },
    ]);
    assert.deepEqual(one(N, "aws:backup/selection:Selection", `${N}-backup-selection`).inputs.resources, [
      `arn:aws:rds:${REGION}:123456789012:cluster:${N}-cluster`,
    ]);
    assert.equal(
      (await resolve(db.masterUserSecretArn)).value,
      `arn:aws:secretsmanager:${REGION}:123456789012:secret:rds!cluster-${N}-cluster`,
    );
  });

  test("aurora: TLS and pg_stat_statements on the cluster group, tuning on the instance group without WAL/checkpoint settings", async () => {
    const N = "aurp";
    await make(N, { engine: "aurora", replicas: 3 });
    assert.deepEqual(params(N, "aws:rds/clusterParameterGroup:ClusterParameterGroup", `${N}-cluster-params`), {
      "rds.force_ssl": "1",
      shared_preload_libraries: "pg_stat_statements",
    });
    const inst = params(N, "aws:rds/parameterGroup:ParameterGroup", `${N}-params`);
    assert.deepEqual(Object.keys(inst).sort(), [
      "effective_cache_size",
      "maintenance_work_mem",
      "max_connections",
      "shared_buffers",
      "work_mem",
    ]);
    assert.equal(
      one(N, "aws:rds/clusterParameterGroup:ClusterParameterGroup", `${N}-cluster-params`).inputs.family,
      "aurora-postgresql17",
    );
    assert.equal(ofType(N, "aws:rds/clusterInstance:ClusterInstance").length, 4);
    const alarms = ofType(N, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.ok(!alarms.some((a) => a.inputs.metricName === "FreeStorageSpace"), "Aurora storage grows by itself");
    const lag = alarms.find((a) => a.inputs.metricName === "AuroraReplicaLagMaximum");
    assert.equal(lag?.inputs.threshold, 60_000);
    assert.deepEqual(alarms.find((a) => a.inputs.metricName === "CPUUtilization")?.inputs.dimensions, {
      DBClusterIdentifier: `${N}-cluster`,
      Role: "WRITER",
    });
  });

  test("RDS replicas: same-region uses the writer's group and SG; cross-region uses the ARN, its KMS key, its own group", async () => {
    const N = "rep";
    const db = await make(N, {
      replicas: [
        { instanceClass: "db.r7g.large", availabilityZone: "us-east-1c" },
        { region: "us-west-2", kmsKeyId: WEST_KMS, subnetGroupName: "visor-west", securityGroupIds: ["sg-0fedcba9876543210"] },
      ],
    });
    const r0 = one(N, "aws:rds/instance:Instance", `${N}-replica-0`).inputs;
    assert.deepEqual(
      [
        r0.replicateSourceDb,
        r0.instanceClass,
        r0.availabilityZone,
        r0.region,
        r0.parameterGroupName,
        r0.vpcSecurityGroupIds,
        r0.kmsKeyId,
      ],
      [`${N}-writer`, "db.r7g.large", "us-east-1c", undefined, "visor-postgres17-mock", [`${N}-db-id`], undefined],
    );
    assert.deepEqual(
      [r0.publiclyAccessible, r0.skipFinalSnapshot, r0.storageEncrypted, r0.caCertIdentifier, r0.deletionProtection],
      [false, true, true, "rds-ca-rsa2048-g1", true],
    );
    assert.equal(r0.username, undefined);
    const r1 = one(N, "aws:rds/instance:Instance", `${N}-replica-1`).inputs;
    assert.deepEqual(
      [r1.replicateSourceDb, r1.region, r1.kmsKeyId, r1.dbSubnetGroupName, r1.vpcSecurityGroupIds, r1.instanceClass],
      [
        `arn:aws:rds:${REGION}:123456789012:db:${N}-writer`,
        "us-west-2",
        WEST_KMS,
        "visor-west",
        ["sg-0fedcba9876543210"],
        "db.t4g.medium",
      ],
    );
    const west = one(N, "aws:rds/parameterGroup:ParameterGroup", `${N}-params-us-west-2`).inputs;
    assert.deepEqual([west.region, west.family], ["us-west-2", "postgres17"]);
    assert.deepEqual(west.parameters, one(N, "aws:rds/parameterGroup:ParameterGroup", `${N}-params`).inputs.parameters);
    assert.equal(r1.parameterGroupName, "visor-postgres17-mock");
    const lag = ofType(N, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.metricName === "ReplicaLag");
    assert.deepEqual(
      lag
        .map((a) => [
          a.name,
          a.inputs.region,
          a.inputs.threshold,
          (a.inputs.dimensions as Record<string, string>).DBInstanceIdentifier,
        ])
        .sort(),
      [
        [`${N}-replica-0-lag`, undefined, 60, `${N}-replica-0`],
        [`${N}-replica-1-lag`, "us-west-2", 60, `${N}-replica-1`],
      ],
    );
    assert.deepEqual((await resolve(db.readerEndpoints)).value, [
      { host: `${N}-replica-0.cmock.${REGION}.rds.amazonaws.com`, port: 5432 },
      { host: `${N}-replica-1.cmock.${REGION}.rds.amazonaws.com`, port: 5432 },
    ]);
  });

  test("rds-proxy: TLS required, SCRAM with the app secret, the guide's pool as a share of max_connections", async () => {
    const N = "prx";
    const db = await make(N, { pooler: "rds-proxy" });
    const p = one(N, "aws:rds/proxy:Proxy", `${N}-proxy`).inputs;
    assert.deepEqual([p.engineFamily, p.requireTls, p.vpcSecurityGroupIds], ["POSTGRESQL", true, [`${N}-proxy-id`]]);
    const [auth] = p.auths as Record<string, unknown>[];
    assert.deepEqual(
      [auth!.authScheme, auth!.secretArn, auth!.clientPasswordAuthType, auth!.iamAuth],
      [
        "SECRETS",
        `arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-app-connection`,
        "POSTGRES_SCRAM_SHA_256",
        "DISABLED",
      ],
    );
    const tg = one(N, "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup", `${N}-proxy`).inputs;
    assert.deepEqual(tg.connectionPoolConfig, {
      maxConnectionsPercent: 40,
      maxIdleConnectionsPercent: 0,
      connectionBorrowTimeout: 120,
    });
    assert.equal(one(N, "aws:rds/proxyTarget:ProxyTarget", `${N}-proxy`).inputs.dbInstanceIdentifier, `${N}-writer`);
    assert.ok(![...types(N)].some((t) => t.startsWith("aws:ecs") || t.startsWith("aws:lb")), "no PgBouncer resources");
    assert.deepEqual((await resolve(db.poolerEndpoint)).value, {
      host: `${N}-proxy.proxy-cmock.${REGION}.rds.amazonaws.com`,
      port: 5432,
    });
    // The proxy's certificate chains to Amazon's public roots: verify-full with the default trust store.
    const smoke = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest", `${N}-smoke-test`);
    assert.deepEqual(unwrap<Record<string, unknown>>(smoke.inputs.poolerConnection).ssl, { mode: "verify-full" });
    const conn = JSON.parse(
      unwrap<string>(one(N, "aws:secretsmanager/secretVersion:SecretVersion", `${N}-app-connection`).inputs.secretString),
    );
    assert.deepEqual(
      [conn.host, conn.port, conn.sslmode, conn.username],
      [`${N}-proxy.proxy-cmock.${REGION}.rds.amazonaws.com`, 5432, "verify-full", "visor"],
    );
    // No certificate of ours to trust: no TLS key or certificate, no pooler CA anywhere.
    assert.ok(![...types(N)].some((t) => t.startsWith("tls:")), "no pooler TLS resources");
    assert.deepEqual([conn.sslrootcert, conn.poolerCaPem], [undefined, undefined]);
    assert.equal((await resolve(db.poolerCaPem)).value, undefined);
    const policy = JSON.parse(String(one(N, "aws:iam/rolePolicy:RolePolicy", `${N}-proxy-read-secret`).inputs.policy));
    assert.deepEqual(policy.Statement[0].Resource, [`arn:aws:secretsmanager:${REGION}:123456789012:secret:${N}-app-connection`]);
    assert.equal(
      one(N, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${N}-db-from-proxy`).inputs.referencedSecurityGroupId,
      `${N}-proxy-id`,
    );
  });

  test("pooler none: no pooler, no pooler endpoint, the smoke test runs on the writer only", async () => {
    const N = "nop";
    const db = await make(N, { pooler: "none" });
    assert.ok(![...types(N)].some((t) => t.startsWith("aws:ecs") || t.startsWith("aws:lb") || t.startsWith("aws:rds/proxy")));
    assert.equal((await resolve(db.poolerEndpoint)).value, undefined);
    assert.equal(db.resources.pooler, undefined);
    const smoke = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest", `${N}-smoke-test`);
    assert.equal(smoke.inputs.poolerConnection, undefined);
    const conn = JSON.parse(
      unwrap<string>(one(N, "aws:secretsmanager/secretVersion:SecretVersion", `${N}-app-connection`).inputs.secretString),
    );
    assert.deepEqual(
      [conn.host, conn.port, conn.sslmode, conn.sslrootcert, conn.poolerCaPem],
      [`${N}-writer.cmock.${REGION}.rds.amazonaws.com`, 5432, "verify-full", undefined, undefined],
    );
    assert.ok(![...types(N)].some((t) => t.startsWith("tls:")), "no pooler TLS resources");
    assert.equal((await resolve(db.poolerCaPem)).value, undefined);
  });

  test("awsBackup: false opts out; an existing vault ARN is copied to instead of a new offsite vault", async () => {
    const off = await make("nobk", { awsBackup: false });
    assert.ok(![...types("nobk")].some((t) => t.startsWith("aws:backup")));
    assert.deepEqual((await resolve(off.backupVaultArns)).value, []);
    assert.equal(one("nobk", "aws:rds/instance:Instance", "nobk-writer").inputs.backupRetentionPeriod, 7, "PITR stays on");

    const arn = "arn:aws:backup:eu-central-1:210987654321:backup-vault:visor-offsite";
    const x = await make("xacct", {
      kmsKeyId: KMS,
      awsBackup: { offsiteVaultArn: arn, dailyRetentionDays: 14, offsiteRetentionDays: 365, kmsKeyArn: KMS },
    });
    assert.equal(ofType("xacct", "aws:backup/vault:Vault").length, 1);
    const [daily, weekly] = one("xacct", "aws:backup/plan:Plan", "xacct-backup-plan").inputs.rules as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(daily!.lifecycle.deleteAfter, 14);
    assert.deepEqual(weekly!.copyActions, [{ destinationVaultArn: arn, lifecycle: { deleteAfter: 365 } }]);
    assert.equal(one("xacct", "aws:backup/vault:Vault", "xacct-vault").inputs.kmsKeyArn, KMS);
    assert.deepEqual((await resolve(x.backupVaultArns)).value, [
      `arn:aws:backup:${REGION}:123456789012:backup-vault:xacct-vault`,
      arn,
    ]);
  });

  test("bootstrap false: no VisorSchema or smoke test, the initial setup still runs", async () => {
    const N = "nob";
    await make(N, { bootstrap: false });
    assert.ok(![...types(N)].some((t) => t.startsWith("pulumi-nodejs:dynamic")));
    assert.ok(types(N).has("postgresql:index/role:Role"));
  });

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

  test("CA bundle: verify-full against the RDS CA for bootstrap, PgBouncer and the admin connection", async () => {
    const N = "cab";
    await make(N, { caBundlePem: PEM, caBundleFile: "/etc/ssl/rds/global-bundle.pem" });
    const schema = one(N, "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema", `${N}-schema`);
    assert.deepEqual(unwrap<Record<string, unknown>>(schema.inputs.connection).ssl, { mode: "verify-full", ca: PEM });
    const { ini } = JSON.parse(
      unwrap<string>(one(N, "aws:secretsmanager/secretVersion:SecretVersion", `${N}-pgbouncer-config`).inputs.secretString),
    );
    assert.ok(ini.split("\n").includes("server_tls_ca_file = /tmp/pgbouncer/rds-ca.pem"), ini);
    const [container] = JSON.parse(
      String(one(N, "aws:ecs/taskDefinition:TaskDefinition", `${N}-pgbouncer`).inputs.containerDefinitions),
    );
    assert.deepEqual(
      container.environment.find((e: { name: string }) => e.name === "RDS_CA_BUNDLE"),
      { name: "RDS_CA_BUNDLE", value: PEM },
    );
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
    assert.deepEqual(p.log_min_duration_statement, ["500", "pending-reboot"]);
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
    assert.equal(conn.threshold, 160); // 80% of 200
  });

  test("alarms: to an SNS topic with custom thresholds; alarms: false creates none", async () => {
    await make("sns", { alarms: { snsTopicArn: TOPIC, cpuPercent: 90, connectionsPercent: 50, freeableMemoryMiB: 512 } });
    const alarms = ofType("sns", "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.equal(alarms.length, 4);
    for (const a of alarms) {
      assert.deepEqual(a.inputs.alarmActions, [TOPIC]);
      assert.deepEqual(a.inputs.okActions, [TOPIC]);
    }
    assert.equal(alarms.find((a) => a.name === "sns-cpu")?.inputs.threshold, 90);
    assert.equal(alarms.find((a) => a.name === "sns-connections")?.inputs.threshold, 25);
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
  assert.ok(registered.length > 300, `${registered.length} resources registered by this file`);
  let checked = 0;
  for (const r of registered) {
    for (const [k, v] of Object.entries(r.inputs)) {
      if (
        /password|secretString|privateKeyPem/i.test(k) &&
        v !== undefined &&
        typeof v !== "boolean" &&
        k !== "manageMasterUserPassword"
      ) {
        assert.ok(isSecretInput(v), `${r.type} ${r.name}.${k} must be a secret`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 40, `${checked} password/secretString inputs checked`);
});

// Options that change what gets built: Aurora, replicas (same and cross region), RDS Proxy, no pooler,
// AWS Backup variants and bootstrap off.
import { RDS_CA, REGION, ofType, one, registeredOptions, setupAwsMocks, unwrap } from "./helpers";
setupAwsMocks();

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "../support/pulumi-mocks";
import { KMS, WEST_KMS, assertSecretsAreSecret, make, params, types } from "./options-support";

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

  test("aurora: TLS, pg_stat_statements and wal_buffers on the cluster group; memory sizing left to Aurora", async () => {
    const N = "aurp";
    await make(N, { engine: "aurora", replicas: 3 });
    assert.deepEqual(params(N, "aws:rds/clusterParameterGroup:ClusterParameterGroup", `${N}-cluster-params`), {
      "rds.force_ssl": "1",
      shared_preload_libraries: "pg_stat_statements",
      wal_buffers: "2048", // the guide's 16MB, a cluster-level parameter on Aurora
    });
    // Aurora's own formulas size shared_buffers and effective_cache_size (no OS page cache): not sent.
    const inst = params(N, "aws:rds/parameterGroup:ParameterGroup", `${N}-params`);
    assert.deepEqual(Object.keys(inst).sort(), ["maintenance_work_mem", "max_connections", "work_mem"]);
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

  test("rds-proxy: TLS required, SCRAM with the app secret, the guide's pool with headroom, target after the secret's value", async () => {
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
    // The pool of 20 with a quarter more (25 of max_connections 50), idle connections AWS's default half of it.
    assert.deepEqual(tg.connectionPoolConfig, {
      maxConnectionsPercent: 50,
      maxIdleConnectionsPercent: 25,
      connectionBorrowTimeout: 120,
    });
    assert.equal(one(N, "aws:rds/proxyTarget:ProxyTarget", `${N}-proxy`).inputs.dbInstanceIdentifier, `${N}-writer`);
    // The proxy logs in with the secret's value: the target waits for the SecretVersion, not just the Secret.
    const targetDeps = registeredOptions.get(`aws:rds/proxyTarget:ProxyTarget::${N}-proxy`)?.dependsOn ?? [];
    assert.ok(
      targetDeps.some((u) => u.endsWith(`aws:secretsmanager/secretVersion:SecretVersion::${N}-app-connection`)),
      targetDeps.join(", "),
    );
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
    // Visor connects to the writer directly, verifying it with the bundled RDS CAs.
    assert.deepEqual(
      [conn.host, conn.port, conn.sslmode, conn.sslrootcertPem, conn.sslrootcert, conn.poolerCaPem],
      [`${N}-writer.cmock.${REGION}.rds.amazonaws.com`, 5432, "verify-full", RDS_CA, RDS_CA, undefined],
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
});

// Aurora, replicas, RDS Proxy and the rest built above: their secrets too (the settings file checks its own).
test("secrets never appear in plain inputs (topologies)", () => {
  const seen = assertSecretsAreSecret();
  assert.ok(seen.resources > 300, `${seen.resources} resources registered by this file`);
  assert.ok(seen.checked >= 30, `${seen.checked} password/secretString inputs checked`);
});

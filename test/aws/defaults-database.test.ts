// The database defaults of `new AwsVisorDatabase("…", { vpcId, subnetIds, allowedSecurityGroupIds })`: the
// writer, backups, security, monitoring, parameters, network, AWS Backup, the initial setup and the alarms.
import { APP_SG, REGION, SUBNETS, VPC, isSecretInput, ofType, registeredOptions, setupAwsMocks, unwrap } from "./helpers";
setupAwsMocks();

import { test } from "node:test";
import assert from "node:assert/strict";
import { N, T, inputs, useDefaultDatabase } from "./defaults-support";
useDefaultDatabase();

test("the writer: RDS for PostgreSQL 17 (major only), gp3 with autoscaling, Multi-AZ, private, encrypted", () => {
  const w = inputs(T.instance, `${N}-writer`);
  assert.equal(w.engine, "postgres");
  assert.equal(w.engineVersion, "17");
  assert.equal(w.autoMinorVersionUpgrade, true);
  assert.equal(w.instanceClass, "db.t4g.medium");
  assert.equal(w.storageType, "gp3");
  assert.equal(w.allocatedStorage, 20);
  assert.equal(w.maxAllocatedStorage, 100);
  assert.equal(w.multiAz, true);
  assert.equal(w.publiclyAccessible, false);
  assert.equal(w.storageEncrypted, true);
  assert.equal(w.kmsKeyId, undefined);
  assert.equal(w.port, 5432);
  assert.deepEqual(w.vpcSecurityGroupIds, [`${N}-db-id`]);
  assert.equal(w.dbSubnetGroupName, `${N}-subnets`);
  assert.deepEqual(inputs("aws:rds/subnetGroup:SubnetGroup", `${N}-subnets`).subnetIds, SUBNETS);
});

test("backups: PITR 7 days, window, tags copied, final snapshot with a unique id, deletion protection", () => {
  const w = inputs(T.instance, `${N}-writer`);
  assert.equal(w.backupRetentionPeriod, 7);
  assert.equal(w.backupWindow, "03:00-03:30");
  assert.equal(w.maintenanceWindow, "sun:07:00-sun:08:00");
  assert.equal(w.copyTagsToSnapshot, true);
  assert.equal(w.deleteAutomatedBackups, false);
  assert.equal(w.skipFinalSnapshot, false);
  assert.match(String(w.finalSnapshotIdentifier), /^vdef-final-[0-9a-f]{8}$/);
  assert.equal(w.deletionProtection, true);
  // The suffix is renewed whenever the database would be replaced.
  const suffix = inputs("random:index/randomId:RandomId", `${N}-final-snapshot-suffix`);
  assert.deepEqual(suffix.keepers, { engine: "rds", kmsKeyId: "aws-managed", masterUsername: "visor_admin" });
});

test("security: RDS-managed master password, IAM auth, rds-ca-rsa2048-g1, TLS forced", () => {
  const w = inputs(T.instance, `${N}-writer`);
  assert.equal(w.manageMasterUserPassword, true);
  assert.equal(w.password, undefined);
  assert.equal(w.username, "visor_admin");
  assert.equal(w.iamDatabaseAuthenticationEnabled, true);
  assert.equal(w.caCertIdentifier, "rds-ca-rsa2048-g1");
  const params = inputs(T.params, `${N}-params`).parameters as { name: string; value: string }[];
  assert.equal(params.find((p) => p.name === "rds.force_ssl")?.value, "1");
});

test("monitoring: Performance Insights 7 days, enhanced monitoring every 60 s through its role, log exports", () => {
  const w = inputs(T.instance, `${N}-writer`);
  assert.equal(w.performanceInsightsEnabled, true);
  assert.equal(w.performanceInsightsRetentionPeriod, 7);
  assert.equal(w.monitoringInterval, 60);
  assert.equal(w.monitoringRoleArn, `arn:aws:iam::123456789012:role/${N}-monitoring`);
  assert.deepEqual(w.enabledCloudwatchLogsExports, ["postgresql", "upgrade"]);
  const role = inputs("aws:iam/role:Role", `${N}-monitoring`);
  assert.match(String(role.assumeRolePolicy), /monitoring\.rds\.amazonaws\.com/);
  assert.equal(
    inputs("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${N}-monitoring`).policyArn,
    "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
  );
});

test("parameters: the guide's ratios on db.t4g.medium's 4 GiB in RDS units, pg_stat_statements, apply methods", () => {
  const g = inputs(T.params, `${N}-params`);
  assert.equal(g.family, "postgres17");
  assert.equal(g.namePrefix, "visor-postgres17-");
  assert.equal(g.name, undefined);
  const params = Object.fromEntries(
    (g.parameters as { name: string; value: string; applyMethod: string }[]).map((p) => [p.name, [p.value, p.applyMethod]]),
  );
  assert.deepEqual(params, {
    shared_buffers: ["131072", "pending-reboot"], // 25 % of 4 GiB = 1GB / 8 kB
    effective_cache_size: ["262144", "immediate"], // 50 % of 4 GiB = 2GB / 8 kB
    work_mem: ["4096", "immediate"], // 4MB in kB
    maintenance_work_mem: ["65536", "immediate"], // 64MB in kB
    max_connections: ["50", "pending-reboot"],
    checkpoint_completion_target: ["0.9", "immediate"],
    wal_buffers: ["2048", "pending-reboot"], // 16MB / 8 kB
    shared_preload_libraries: ["pg_stat_statements", "pending-reboot"],
    "rds.force_ssl": ["1", "immediate"],
  });
  assert.equal(inputs(T.instance, `${N}-writer`).parameterGroupName, "visor-postgres17-mock");
  // Replaced create-before-delete (Pulumi's default), so a major upgrade can move to the new group.
  assert.equal(registeredOptions.get(`${T.params}::${N}-params`)?.deleteBeforeReplace, false);
});

test("network: 5432 only from the allowed security group, nothing from CIDRs", () => {
  assert.equal(inputs(T.sg, `${N}-db`).vpcId, VPC);
  const toDb = ofType(N, T.ingress).filter((r) => r.inputs.securityGroupId === `${N}-db-id`);
  assert.deepEqual(
    toDb
      .map((r) => [
        r.name,
        r.inputs.referencedSecurityGroupId,
        r.inputs.cidrIpv4,
        r.inputs.fromPort,
        r.inputs.toPort,
        r.inputs.ipProtocol,
      ])
      .sort(),
    [
      [`${N}-db-from-pgbouncer`, `${N}-pgbouncer-tasks-id`, undefined, 5432, 5432, "tcp"],
      [`${N}-db-from-sg-0`, APP_SG, undefined, 5432, 5432, "tcp"],
    ],
  );
  assert.ok(ofType(N, T.ingress).every((r) => r.inputs.cidrIpv4 === undefined));
});

test("AWS Backup: daily kept 30 days, weekly copy to the paired region kept 90 days, selecting the writer", () => {
  const vault = inputs("aws:backup/vault:Vault", `${N}-vault`);
  assert.equal(vault.region, undefined);
  assert.equal(inputs("aws:backup/vault:Vault", `${N}-offsite-vault`).region, "us-west-2");
  const rules = inputs("aws:backup/plan:Plan", `${N}-backup-plan`).rules as Record<string, unknown>[];
  assert.equal(rules.length, 2);
  const [daily, weekly] = rules as [Record<string, any>, Record<string, any>]; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(daily.ruleName, "visor-daily");
  assert.equal(daily.schedule, "cron(0 5 ? * * *)");
  assert.equal(daily.lifecycle.deleteAfter, 30);
  assert.equal(daily.targetVaultName, `${N}-vault`);
  // Clear of the hour before the Sunday 07:00 maintenance window and of the daily rule's start window.
  assert.equal(weekly.schedule, "cron(0 10 ? * SUN *)");
  assert.equal(weekly.startWindow, 60);
  // Longer than the daily rule's 30: if AWS Backup ever merged the two, the weekly one (with the copy) wins.
  assert.equal(weekly.lifecycle.deleteAfter, 90);
  assert.equal(
    weekly.copyActions[0].destinationVaultArn,
    `arn:aws:backup:us-west-2:123456789012:backup-vault:${N}-offsite-vault`,
  );
  assert.equal(weekly.copyActions[0].lifecycle.deleteAfter, 90);
  const sel = inputs("aws:backup/selection:Selection", `${N}-backup-selection`);
  assert.deepEqual(sel.resources, [`arn:aws:rds:${REGION}:123456789012:db:${N}-writer`]);
  assert.equal(sel.iamRoleArn, `arn:aws:iam::123456789012:role/${N}-backup`);
  const policies = ofType(N, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((r) => r.inputs.role === `${N}-backup`)
    .map((r) => String(r.inputs.policyArn).split("/").pop())
    .sort();
  assert.deepEqual(policies, ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]);
});

test("initial setup: role visor with the SCRAM verifier, database visor owned by it, privileges, over verify-full", async () => {
  const provider = inputs("pulumi:providers:postgresql", `${N}-pg-admin`);
  assert.equal(provider.host, `${N}-writer.cmock.${REGION}.rds.amazonaws.com`);
  assert.equal(provider.username, "visor_admin");
  assert.equal(provider.sslmode, "verify-full");
  assert.ok(isSecretInput(provider.password), "the admin password is a secret");
  const role = inputs("postgresql:index/role:Role", `${N}-app-role`);
  assert.equal(role.name, "visor");
  assert.equal(role.login, true);
  assert.ok(isSecretInput(role.password));
  assert.match(unwrap<string>(role.password), /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  const database = inputs("postgresql:index/database:Database", `${N}-app-database`);
  assert.deepEqual([database.name, database.owner], ["visor", "visor"]);
  const grant = inputs("postgresql:index/grant:Grant", `${N}-app-grant`);
  assert.deepEqual(grant.privileges, ["CONNECT", "CREATE", "TEMPORARY"]);
  // The admin connection waits for the writer and its ingress rules.
  const deps = registeredOptions.get(`pulumi:providers:postgresql::${N}-pg-admin`)?.dependsOn ?? [];
  assert.ok(
    deps.some((u) => u.endsWith(`::${N}-writer`)),
    deps.join(", "),
  );
  assert.ok(deps.some((u) => u.endsWith(`::${N}-db-from-sg-0`)));
});

test("alarms: CPU, free storage before autoscaling, freeable memory and connections above a full pool, notifying nobody", () => {
  const alarms = Object.fromEntries(ofType(N, T.alarm).map((r) => [r.name.slice(N.length + 1), r.inputs]));
  assert.deepEqual(Object.keys(alarms).sort(), ["connections", "cpu", "free-storage", "freeable-memory"]);
  assert.deepEqual(
    [alarms.cpu!.metricName, alarms.cpu!.threshold, alarms.cpu!.comparisonOperator],
    ["CPUUtilization", 80, "GreaterThanThreshold"],
  );
  // 95 % of the 45 usable (50 − 5 reserved) is 42: above the full pool (2 tasks × 20) plus one admin connection.
  assert.equal(alarms.connections!.threshold, 42);
  assert.ok(alarms.connections!.threshold > 2 * 20 + 1);
  // 20 % of the allocated 20 GiB: before storage autoscaling acts at 10 %.
  assert.equal(alarms["free-storage"]!.threshold, 4294967296);
  assert.equal(alarms["freeable-memory"]!.threshold, 256 * 1024 * 1024);
  for (const a of Object.values(alarms)) {
    assert.equal(a.namespace, "AWS/RDS");
    assert.deepEqual(a.dimensions, { DBInstanceIdentifier: `${N}-writer` });
    assert.deepEqual(a.alarmActions, []);
  }
});

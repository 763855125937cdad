// Bad input fails in the constructor, before anything is registered, with one message naming the field
// and what it may be: the table of bad inputs.
import { setupAwsMocks } from "./helpers";
setupAwsMocks();

import { runValidationTable, type Case } from "./validation-support";

const VAULT_ARN = "arn:aws:backup:eu-central-1:210987654321:backup-vault:visor-offsite";
const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KMS_WEST = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const cases: Case[] = [
  {
    what: "retention 0 (backups are mandatory)",
    args: { retentionDays: 0 },
    field: "retentionDays",
    allowed: "an integer from 7 to 35",
  },
  {
    what: "retention below the guide's 7 days of WAL (the policy pack's floor on every cloud)",
    args: { retentionDays: 1 },
    field: "retentionDays",
    allowed: "an integer from 7 to 35",
  },
  { what: "retention above RDS's 35", args: { retentionDays: 36 }, field: "retentionDays", allowed: "an integer from 7 to 35" },
  { what: "16 replicas", args: { replicas: 16 }, field: "replicas", allowed: "an integer from 0 to 15" },
  {
    what: "16 replica specs",
    args: { replicas: Array.from({ length: 16 }, () => ({})) },
    field: "replicas",
    allowed: "an integer from 0 to 15 or a list of at most 15 replica specs",
  },
  {
    what: "pool min above pool size",
    args: { pool: { defaultPoolSize: 5, minPoolSize: 10 } },
    field: "pool.minPoolSize",
    allowed: "at most pool.defaultPoolSize (5)",
  },
  {
    what: "unknown RDS version",
    args: { engineVersion: "12" },
    field: "engineVersion",
    allowed: 'a supported RDS for PostgreSQL major ("14", "15", "16", "17", "18"), optionally with a minor ("17.4")',
  },
  {
    what: "unknown Aurora version",
    args: { engine: "aurora", engineVersion: "13" },
    field: "engineVersion",
    allowed: 'a supported Aurora PostgreSQL major ("14", "15", "16", "17", "18"), optionally with a minor ("17.4")',
  },
  {
    what: "version that is not a number",
    args: { engineVersion: "latest" },
    field: "engineVersion",
    allowed: 'a supported RDS for PostgreSQL major ("14", "15", "16", "17", "18"), optionally with a minor ("17.4")',
  },
  { what: "unknown engine", args: { engine: "mysql" as never }, field: "engine", allowed: 'one of "rds", "aurora"' },
  {
    what: "Aurora storage type on RDS",
    args: { auroraStorageType: "aurora-iopt1" },
    field: "auroraStorageType",
    allowed: 'unset when engine is "rds" (it is an Aurora-only option)',
  },
  {
    what: "multiAz on Aurora",
    args: { engine: "aurora", multiAz: true },
    field: "multiAz",
    allowed: 'unset when engine is "aurora" (it is an RDS-only option)',
  },
  {
    what: "allocatedStorage on Aurora",
    args: { engine: "aurora", allocatedStorage: 50 },
    field: "allocatedStorage",
    allowed: 'unset when engine is "aurora" (it is an RDS-only option)',
  },
  {
    what: "cross-region reader on Aurora",
    args: { engine: "aurora", replicas: [{ region: "us-west-2" }] },
    field: "replicas[0].region",
    allowed: 'unset when engine is "aurora" (it is an RDS-only option)',
  },
  {
    what: "promotion tier on RDS",
    args: { replicas: [{ promotionTier: 2 }] },
    field: "replicas[0].promotionTier",
    allowed: 'unset when engine is "rds" (it is an Aurora-only option)',
  },
  {
    what: "cross-region replica without a KMS key",
    args: { replicas: [{ region: "us-west-2", subnetGroupName: "visor-west" }] },
    field: "replicas[0].kmsKeyId",
    allowed: "set for a cross-region replica (a KMS key in us-west-2; storage is always encrypted)",
  },
  {
    what: "cross-region replica without a subnet group",
    args: { replicas: [{ region: "us-west-2", kmsKeyId: KMS_WEST }] },
    field: "replicas[0].subnetGroupName",
    allowed: "set for a cross-region replica (a DB subnet group in us-west-2)",
  },
  {
    what: "replica KMS key without a region",
    args: { replicas: [{ kmsKeyId: KMS }] },
    field: "replicas[0].kmsKeyId",
    allowed: "unset unless replicas[].region is set (same-region replicas use the writer's key, subnets and security group)",
  },
  {
    what: "replica region that is not a region",
    args: { replicas: [{ region: "west", kmsKeyId: KMS, subnetGroupName: "g" }] },
    field: "replicas[0].region",
    allowed: 'an AWS region like "us-west-2"',
  },
  {
    what: "cross-region replica in the writer's region",
    args: { replicas: [{ region: "us-east-1", kmsKeyId: KMS, subnetGroupName: "g" }] },
    field: "replicas[0].region",
    allowed: "a region other than the writer's (us-east-1); omit it for a same-region replica",
  },
  {
    what: "autoscaling ceiling less than 10 % above the size (RDS: Invalid max storage size)",
    args: { allocatedStorage: 50, maxAllocatedStorage: 54 },
    field: "maxAllocatedStorage",
    allowed: "an integer from 55 to 65536",
  },
  {
    what: "storage below RDS's gp3 minimum",
    args: { allocatedStorage: 10 },
    field: "allocatedStorage",
    allowed: "an integer from 20 to 65536",
  },
  {
    what: "one subnet",
    args: { subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] },
    field: "subnetIds",
    allowed: "a list of at least 2 subnets in different AZs (a DB subnet group needs 2)",
  },
  {
    what: "nobody allowed in",
    args: { allowedSecurityGroupIds: [] },
    field: "allowedSecurityGroupIds",
    allowed: "a non-empty list (or allowedCidrBlocks): nothing could reach the database",
  },
  {
    what: "malformed security group id",
    args: { allowedSecurityGroupIds: ["web-servers"] },
    field: "allowedSecurityGroupIds[0]",
    allowed: "a security group id (sg-…)",
  },
  {
    what: "open CIDR",
    args: { allowedCidrBlocks: ["0.0.0.0/0"] },
    field: "allowedCidrBlocks[0]",
    allowed: "a bounded CIDR, not /0 (the database is never open to everyone)",
  },
  {
    what: "bad CIDR",
    args: { allowedCidrBlocks: ["10.0.0.0/33"] },
    field: "allowedCidrBlocks[0]",
    allowed: 'an IPv4 CIDR like "10.0.0.0/16"',
  },
  {
    what: "monitoring interval RDS does not offer",
    args: { monitoringInterval: 7 },
    field: "monitoringInterval",
    allowed: "one of 0, 1, 5, 10, 15, 30, 60 seconds",
  },
  {
    what: "backup window under 30 minutes",
    args: { backupWindow: "03:00-03:10" },
    field: "backupWindow",
    allowed: 'a UTC window "hh:mm-hh:mm" of at least 30 minutes',
  },
  {
    what: "maintenance window without days",
    args: { maintenanceWindow: "07:00-08:00" },
    field: "maintenanceWindow",
    allowed: 'a UTC window "ddd:hh:mm-ddd:hh:mm" of at least 30 minutes, like "sun:07:00-sun:08:00"',
  },
  {
    what: "expired CA",
    args: { caCertIdentifier: "rds-ca-2019" },
    field: "caCertIdentifier",
    allowed: 'one of "rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"',
  },
  {
    what: "offsite in the stack's own region",
    args: { awsBackup: { offsiteRegion: "us-east-1" } },
    field: "awsBackup.offsiteRegion",
    allowed: "a region other than the stack's (us-east-1)",
  },
  {
    what: "two offsite destinations",
    args: { kmsKeyId: KMS, awsBackup: { offsiteRegion: "us-west-2", offsiteVaultArn: VAULT_ARN } },
    field: "awsBackup.offsiteRegion",
    allowed: "unset when awsBackup.offsiteVaultArn is set (one offsite destination)",
  },
  {
    what: "cross-account copy under the AWS managed key",
    args: { awsBackup: { offsiteVaultArn: VAULT_ARN } },
    field: "kmsKeyId",
    allowed:
      "a customer-managed KMS key when awsBackup.offsiteVaultArn is set (snapshots under the AWS managed key cannot be copied to another account)",
  },
  {
    what: "offsite vault ARN that is not one",
    args: { kmsKeyId: KMS, awsBackup: { offsiteVaultArn: "arn:aws:s3:::bucket" } },
    field: "awsBackup.offsiteVaultArn",
    allowed: "a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)",
  },
  {
    what: "daily backups kept 0 days",
    args: { awsBackup: { dailyRetentionDays: 0 } },
    field: "awsBackup.dailyRetentionDays",
    allowed: "an integer from 1 to 36499",
  },
  {
    what: "bad backup schedule",
    args: { awsBackup: { weeklySchedule: "weekly" } },
    field: "awsBackup.weeklySchedule",
    allowed: 'an AWS Backup cron expression with a fixed minute and hour(s), like "cron(0 5 ? * * *)" or "cron(0 10 ? * SUN *)"',
  },
  {
    what: "PgBouncer tasks × pool above max_connections",
    args: { pool: { defaultPoolSize: 30 } },
    field: "pool.defaultPoolSize",
    allowed:
      "at most 20 with 2 PgBouncer tasks (PgBouncer tasks × pool ≤ tuning.maxConnections 50 − 5 reserved − 4 for the bootstrap and smoke test)",
  },
  {
    what: "cross-region replica key in the writer's region",
    args: { replicas: [{ region: "us-west-2", kmsKeyId: KMS, subnetGroupName: "west" }] },
    field: "replicas[0].kmsKeyId",
    allowed: "a key in us-west-2 (arn:aws:kms:us-west-2:<account>:key/…)",
  },
  {
    what: "pooler settings without a pooler",
    args: { pooler: "none", poolerSettings: {} },
    field: "poolerSettings",
    allowed: 'unset when pooler is "none"',
  },
  {
    what: "PgBouncer setting on RDS Proxy",
    args: { pooler: "rds-proxy", poolerSettings: { image: "edoburu/pgbouncer:1.23.1-p2" } },
    field: "poolerSettings.image",
    allowed: 'unset when pooler is "rds-proxy" (a PgBouncer-only setting)',
  },
  {
    what: "unknown pooler",
    args: { pooler: "pgpool" as never },
    field: "pooler",
    allowed: 'one of "pgbouncer", "rds-proxy", "none"',
  },
  {
    what: "unpinned image",
    args: { poolerSettings: { image: "edoburu/pgbouncer:latest" } },
    field: "poolerSettings.image",
    allowed: "a pinned image (a version tag or @sha256 digest, not :latest or untagged)",
  },
  {
    what: "Fargate CPU that does not exist",
    args: { poolerSettings: { cpu: 300 } },
    field: "poolerSettings.cpu",
    allowed: "one of 256, 512, 1024, 2048, 4096",
  },
  {
    what: "a single PgBouncer subnet",
    args: { poolerSettings: { subnetIds: ["subnet-1"] } },
    field: "poolerSettings.subnetIds",
    allowed: "a list of at least 2 subnets (in different AZs)",
  },
  {
    what: "CA bundle that is not a PEM",
    args: { caBundlePem: "hello" },
    field: "caBundlePem",
    allowed: "a PEM bundle (-----BEGIN CERTIFICATE-----…)",
  },
  {
    what: "relative CA bundle path",
    args: { caBundleFile: "global-bundle.pem" },
    field: "caBundleFile",
    allowed: "an absolute path to the RDS CA bundle",
  },
  {
    what: "TLS switched off",
    args: { parameters: { "rds.force_ssl": "0" } },
    field: "parameters.rds.force_ssl",
    allowed: '"1" (TLS is required)',
  },
  {
    what: "pg_stat_statements dropped",
    args: { parameters: { shared_preload_libraries: "pg_cron" } },
    field: "parameters.shared_preload_libraries",
    allowed: "a list that includes pg_stat_statements",
  },
  {
    what: "checkpoint_completion_target on Aurora",
    args: { engine: "aurora", tuning: { checkpointCompletionTarget: 0.9 } },
    field: "tuning.checkpointCompletionTarget",
    allowed: 'unset when engine is "aurora" (Aurora has no such parameter)',
  },
  {
    what: "tuning size not in 8 kB pages",
    args: { tuning: { sharedBuffers: "100kB" } },
    field: "tuning.sharedBuffers",
    allowed: "a whole number of 8 kB pages",
  },
  {
    what: "Visor running as the admin",
    args: { masterUsername: "visor" },
    field: "masterUsername",
    allowed: 'different from appUser ("visor"): Visor must not run as the admin',
  },
  {
    what: "instance class without db.",
    args: { instanceClass: "m5.large" },
    field: "instanceClass",
    allowed:
      "a size with known memory: db.t3.micro, db.t3.small, db.t3.medium, db.t3.large, db.t3.xlarge, db.t3.2xlarge, db.t4g.micro, db.t4g.small, … (104 in RDS for PostgreSQL)",
  },
  {
    what: "heartbeat too slow for the lock TTL",
    args: { ha: { lockTtlSeconds: 60, heartbeatIntervalSeconds: 30 } },
    field: "ha.heartbeatIntervalSeconds",
    allowed: "below ha.lockTtlSeconds / 3 (20.0), as the guide requires",
  },
  {
    what: "alarm at 0% CPU",
    args: { alarms: { cpuPercent: 0 } },
    field: "alarms.cpuPercent",
    allowed: "an integer from 1 to 100",
  },
];

runValidationTable(cases);

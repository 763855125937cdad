// AWS's own rules (issue 16), each a refusal at preview with the field and the allowed values: Fargate
// pairs, the storage ceiling, replica zones, windows and AWS Backup schedules, apply methods, KMS ARNs,
// Aurora's classes, instance-sized tuning, the CA bundle's size and the alarms.
import { PEM, setupAwsMocks } from "./helpers";
setupAwsMocks();

import { runValidationTable, type Case } from "./validation-support";

const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KMS_ALLOWED =
  "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>): not a key id or alias (find the ARN with `aws kms describe-key --key-id <id or alias>`)";
const AURORA_CLASSES =
  "a size with known memory: db.t3.medium, db.t3.large, db.t4g.medium, db.t4g.large, db.r5.large, db.r5.xlarge, db.r5.2xlarge, db.r5.4xlarge, … (42 in Aurora PostgreSQL)";
const CRON_CLEAR = (what: string, starts: string) =>
  `a schedule whose 60-minute start window stays clear of ${what} (it starts ${starts} UTC)`;
const BIG_BUNDLE = PEM.repeat(Math.ceil((33 * 1024) / PEM.length));

const cases: Case[] = [
  {
    what: "Fargate memory below the CPU's smallest (ECS rejects 1024 CPU with 512 MiB)",
    args: { poolerSettings: { cpu: 1024, memory: 512 } },
    field: "poolerSettings.memory",
    allowed: "one of Fargate's values for cpu 1024: 2048–8192 in steps of 1024 (MiB)",
  },
  {
    what: "Fargate memory above what 256 CPU units take",
    args: { poolerSettings: { cpu: 256, memory: 4096 } },
    field: "poolerSettings.memory",
    allowed: "one of Fargate's values for cpu 256: 512, 1024, 2048 (MiB)",
  },
  {
    what: "Fargate memory off the 1 GiB steps",
    args: { poolerSettings: { cpu: 4096, memory: 9000 } },
    field: "poolerSettings.memory",
    allowed: "one of Fargate's values for cpu 4096: 8192–30720 in steps of 1024 (MiB)",
  },
  {
    what: "storage ceiling 5 % above the allocation (RDS needs at least 10 %)",
    args: { allocatedStorage: 20, maxAllocatedStorage: 21 },
    field: "maxAllocatedStorage",
    allowed: "an integer from 22 to 65536",
  },
  {
    what: "replica zone on a Multi-AZ replica",
    args: { replicas: [{ availabilityZone: "us-east-1b", multiAz: true }] },
    field: "replicas[0].availabilityZone",
    allowed: "unset when replicas[0].multiAz is true (AWS chooses a Multi-AZ instance's zones)",
  },
  {
    what: "maintenance window under 30 minutes",
    args: { maintenanceWindow: "sun:07:00-sun:07:20" },
    field: "maintenanceWindow",
    allowed: 'a UTC window "ddd:hh:mm-ddd:hh:mm" of at least 30 minutes, like "sun:07:00-sun:08:00"',
  },
  {
    what: "maintenance window overlapping the daily backup window",
    args: { backupWindow: "07:00-07:30", maintenanceWindow: "tue:07:15-tue:07:45", awsBackup: false },
    field: "maintenanceWindow",
    allowed: "a window apart from backupWindow (07:00-07:30 every day)",
  },
  {
    what: "weekly AWS Backup starting in the hour before maintenance (the old default)",
    args: { awsBackup: { weeklySchedule: "cron(0 6 ? * SUN *)" } },
    field: "awsBackup.weeklySchedule",
    allowed: CRON_CLEAR("the hour before and the span of maintenanceWindow", "sun 06:00"),
  },
  {
    what: "daily AWS Backup starting inside the automated backup window",
    args: { awsBackup: { dailySchedule: "cron(30 2 ? * * *)" } },
    field: "awsBackup.dailySchedule",
    allowed: CRON_CLEAR("the hour before and the span of backupWindow", "sun 02:30"),
  },
  {
    what: "weekly AWS Backup overlapping the daily rule's start window",
    args: { awsBackup: { weeklySchedule: "cron(30 4 ? * WED *)" } },
    field: "awsBackup.weeklySchedule",
    allowed: CRON_CLEAR("awsBackup.dailySchedule's start window", "wed 04:30"),
  },
  {
    what: "AWS Backup cron with a step that cannot be placed in the week",
    args: { awsBackup: { dailySchedule: "cron(0/30 * ? * * *)" } },
    field: "awsBackup.dailySchedule",
    allowed: 'an AWS Backup cron expression with a fixed minute and hour(s), like "cron(0 5 ? * * *)" or "cron(0 10 ? * SUN *)"',
  },
  {
    what: "a static parameter applied immediately",
    args: { parameters: { shared_buffers: { value: "262144", applyMethod: "immediate" } } },
    field: "parameters.shared_buffers.applyMethod",
    allowed: '"pending-reboot" (shared_buffers is static: RDS applies it only after a reboot)',
  },
  {
    what: "an apply method RDS does not have",
    args: { parameters: { log_min_duration_statement: { value: "500", applyMethod: "later" as never } } },
    field: "parameters.log_min_duration_statement.applyMethod",
    allowed: 'one of "immediate", "pending-reboot"',
  },
  {
    what: "a raw parameter object with an unknown key",
    args: { parameters: { work_mem: { value: "8192", apply: "now" } as never } },
    field: "parameters.work_mem",
    allowed: 'a string, or { value, applyMethod } ("immediate" or "pending-reboot")',
  },
  { what: "KMS alias name", args: { kmsKeyId: "alias/visor" }, field: "kmsKeyId", allowed: KMS_ALLOWED },
  {
    what: "KMS key id without the ARN",
    args: { kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" },
    field: "kmsKeyId",
    allowed: KMS_ALLOWED,
  },
  {
    what: "KMS alias ARN (an IAM grant on it grants nothing on the key)",
    args: { kmsKeyId: "arn:aws:kms:us-east-1:123456789012:alias/visor" },
    field: "kmsKeyId",
    allowed: KMS_ALLOWED,
  },
  {
    what: "AWS Backup vault key by alias",
    args: { kmsKeyId: KMS, awsBackup: { kmsKeyArn: "alias/aws/backup" } },
    field: "awsBackup.kmsKeyArn",
    allowed: KMS_ALLOWED,
  },
  {
    what: "db.m* on Aurora",
    args: { engine: "aurora", instanceClass: "db.m7g.large" },
    field: "instanceClass",
    allowed: AURORA_CLASSES,
  },
  {
    what: "db.t4g.small on Aurora",
    args: { engine: "aurora", instanceClass: "db.t4g.small" },
    field: "instanceClass",
    allowed: AURORA_CLASSES,
  },
  {
    what: "Aurora reader of a class Aurora lacks",
    args: { engine: "aurora", replicas: [{ instanceClass: "db.m6g.large" }] },
    field: "replicas[0].instanceClass",
    allowed: AURORA_CLASSES,
  },
  {
    what: "shared_buffers larger than the instance (db.t4g.medium: 4 GiB)",
    args: { tuning: { sharedBuffers: "8GB" } },
    field: "tuning.sharedBuffers",
    allowed: "from 128kB to 4GB on this instance",
  },
  {
    what: "a CA bundle too large for PgBouncer's secret (the global bundle is ~170 kB)",
    args: { caBundlePem: BIG_BUNDLE },
    field: "caBundlePem",
    allowed:
      "at most 32 KiB: the CAs of your regions only (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem), not the global bundle; or leave it unset for the bundled RDS CAs",
  },
  {
    what: "free-storage alarm at autoscaling's own 10 % (it would fire with it, not before)",
    args: { alerts: { freeStoragePercent: 10 } },
    field: "alerts.freeStoragePercent",
    allowed: "an integer from 11 to 99",
  },
  {
    what: "connections alarm below a full pool plus one admin connection",
    args: { alerts: { connectionsPercent: 80 } },
    field: "alerts.connectionsPercent",
    allowed:
      "at least 92: 80% of 45 usable connections (max_connections 50 − 5 reserved) is 36, below a full pool plus one admin connection (41)",
  },
];

runValidationTable(cases, "rule");

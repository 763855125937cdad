// The parts of AwsVisorDatabase's validation with a shape of their own: replicas, AWS Backup, alerts
// and the pooler. Rules shared with other clouds come from ../shared/rules.
import type { ResolvedBase } from "../shared/base-validation";
import {
  bootstrapConnections,
  optIn,
  replicaSpecs,
  requireKeyInRegion,
  requirePinnedImage,
  requirePoolerCapacity,
} from "../shared/rules";
import type { Validator } from "../shared/validation";
import type { AwsAlarmSettings, AwsBackupSettings, AwsEngine, AwsVisorDatabaseArgs, ReplicaSpec } from "./args";
import { DEFAULT_PGBOUNCER_IMAGE, FARGATE_CPU, LOG_RETENTION_DAYS, MAX_REPLICAS, OFFSITE_REGION_PAIRS } from "./defaults";
import type { ResolvedAlarms, ResolvedAwsBackup, ResolvedPooler, ResolvedReplica } from "./resolved";

export const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const BACKUP_CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;
const VAULT_ARN = /^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/;

/** Forbids an option that belongs to the other engine. */
export function onlyFor(check: Validator, engine: AwsEngine, needed: AwsEngine, field: string, value: unknown): void {
  if (value !== undefined && engine !== needed)
    check.fail(
      field,
      `unset when engine is ${JSON.stringify(engine)} (it is ${needed === "rds" ? "an RDS" : "an Aurora"}-only option)`,
      value,
    );
}

export function resolveReplicas(
  check: Validator,
  args: AwsVisorDatabaseArgs,
  engine: AwsEngine,
  instanceClass: string,
  stackRegion: string | undefined,
): ResolvedReplica[] {
  // Multi-AZ gives RDS its HA; on Aurora the reader is the failover target.
  const specs = replicaSpecs<ReplicaSpec>(check, args.replicas, MAX_REPLICAS, engine === "aurora" ? 1 : 0);
  return specs.map((s, index) => {
    const f = (k: string) => `replicas[${index}].${k}`;
    if (s.instanceClass !== undefined)
      check.require(
        /^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(s.instanceClass),
        f("instanceClass"),
        'an RDS instance class like "db.r7g.large"',
        s.instanceClass,
      );
    onlyFor(check, engine, "rds", f("region"), s.region);
    onlyFor(check, engine, "rds", f("multiAz"), s.multiAz);
    onlyFor(check, engine, "rds", f("kmsKeyId"), s.kmsKeyId);
    onlyFor(check, engine, "rds", f("subnetGroupName"), s.subnetGroupName);
    onlyFor(check, engine, "rds", f("securityGroupIds"), s.securityGroupIds);
    onlyFor(check, engine, "aurora", f("promotionTier"), s.promotionTier);
    if (s.region !== undefined) {
      check.require(REGION.test(s.region), f("region"), 'an AWS region like "us-west-2"', s.region);
      check.require(
        s.region !== stackRegion,
        f("region"),
        `a region other than the writer's (${stackRegion}); omit it for a same-region replica`,
        s.region,
      );
      // Storage is always encrypted, and an encrypted snapshot can only be copied with a key in the destination region.
      check.require(
        s.kmsKeyId !== undefined,
        f("kmsKeyId"),
        `set for a cross-region replica (a KMS key in ${s.region}; storage is always encrypted)`,
        s.kmsKeyId,
      );
      requireKeyInRegion(check, f("kmsKeyId"), s.kmsKeyId, s.region, `arn:aws:kms:${s.region}:<account>:key/…`);
      check.require(
        s.subnetGroupName !== undefined,
        f("subnetGroupName"),
        `set for a cross-region replica (a DB subnet group in ${s.region})`,
        s.subnetGroupName,
      );
    } else {
      for (const k of ["kmsKeyId", "subnetGroupName", "securityGroupIds"] as const) {
        if (s[k] !== undefined)
          check.fail(
            f(k),
            "unset unless replicas[].region is set (same-region replicas use the writer's key, subnets and security group)",
            s[k],
          );
      }
    }
    return {
      index,
      instanceClass: s.instanceClass ?? instanceClass,
      availabilityZone: s.availabilityZone,
      region: s.region,
      kmsKeyId: s.kmsKeyId,
      subnetGroupName: s.subnetGroupName,
      securityGroupIds: s.securityGroupIds,
      multiAz: check.bool(f("multiAz"), s.multiAz, false),
      promotionTier: check.int(f("promotionTier"), s.promotionTier, 0, 15, 1),
    };
  });
}

export function resolveAwsBackup(
  check: Validator,
  args: AwsVisorDatabaseArgs,
  region: string | undefined,
): false | ResolvedAwsBackup {
  const b = optIn<AwsBackupSettings>(check, "awsBackup", args.awsBackup);
  if (!b) return false;
  const cron = (field: string, value: string | undefined, fallback: string) => {
    const c = value ?? fallback;
    check.require(
      typeof c === "string" && BACKUP_CRON.test(c),
      field,
      'an AWS Backup cron expression like "cron(0 5 ? * * *)"',
      value,
    );
    return c;
  };
  const dailySchedule = cron("awsBackup.dailySchedule", b.dailySchedule, "cron(0 5 ? * * *)");
  const weeklySchedule = cron("awsBackup.weeklySchedule", b.weeklySchedule, "cron(0 6 ? * SUN *)");
  const dailyRetentionDays = check.int("awsBackup.dailyRetentionDays", b.dailyRetentionDays, 1, 36_500, 30);
  const offsiteRetentionDays = check.int("awsBackup.offsiteRetentionDays", b.offsiteRetentionDays, 1, 36_500, 90);
  let offsite: ResolvedAwsBackup["offsite"];
  if (b.offsiteVaultArn !== undefined) {
    check.require(
      b.offsiteRegion === undefined,
      "awsBackup.offsiteRegion",
      "unset when awsBackup.offsiteVaultArn is set (one offsite destination)",
      b.offsiteRegion,
    );
    check.require(
      b.offsiteKmsKeyArn === undefined,
      "awsBackup.offsiteKmsKeyArn",
      "unset when awsBackup.offsiteVaultArn is set (the other vault has its own key)",
      "[set]",
    );
    check.require(
      VAULT_ARN.test(b.offsiteVaultArn),
      "awsBackup.offsiteVaultArn",
      "a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)",
      b.offsiteVaultArn,
    );
    // RDS snapshots under the AWS managed key cannot leave the account: a cross-account copy needs a CMK.
    check.require(
      args.kmsKeyId !== undefined,
      "kmsKeyId",
      "a customer-managed KMS key when awsBackup.offsiteVaultArn is set (snapshots under the AWS managed key cannot be copied to another account)",
      args.kmsKeyId,
    );
    offsite = { vaultArn: b.offsiteVaultArn };
  } else {
    const target = b.offsiteRegion ?? (region ? OFFSITE_REGION_PAIRS[region] : undefined);
    if (target === undefined) {
      check.fail(
        "awsBackup.offsiteRegion",
        `set (no default offsite region for stack region ${region ?? "unknown: set aws:region"}), or awsBackup.offsiteVaultArn, or awsBackup: false`,
        b.offsiteRegion,
      );
    }
    check.require(REGION.test(target), "awsBackup.offsiteRegion", 'an AWS region like "us-west-2"', target);
    check.require(target !== region, "awsBackup.offsiteRegion", `a region other than the stack's (${region})`, target);
    offsite = { region: target, kmsKeyArn: b.offsiteKmsKeyArn };
  }
  return { dailySchedule, dailyRetentionDays, weeklySchedule, offsiteRetentionDays, offsite, kmsKeyArn: b.kmsKeyArn };
}

export function resolveAlerts(check: Validator, args: AwsVisorDatabaseArgs): false | ResolvedAlarms {
  // `alarms` is the deprecated spelling of `alerts`.
  const field = args.alerts === undefined && args.alarms !== undefined ? "alarms" : "alerts";
  check.require(
    args.alerts === undefined || args.alarms === undefined,
    "alarms",
    "unset when alerts is set (alarms is its old name)",
    "[set]",
  );
  const a = optIn<AwsAlarmSettings>(check, field, args.alerts ?? args.alarms);
  if (!a) return false;
  return {
    snsTopicArn: a.snsTopicArn,
    cpuPercent: check.int(`${field}.cpuPercent`, a.cpuPercent, 1, 100, 80),
    freeStoragePercent: check.int(`${field}.freeStoragePercent`, a.freeStoragePercent, 1, 99, 10),
    freeableMemoryMiB: check.int(`${field}.freeableMemoryMiB`, a.freeableMemoryMiB, 1, 1_048_576, 256),
    connectionsPercent: check.int(`${field}.connectionsPercent`, a.connectionsPercent, 1, 100, 80),
    replicaLagSeconds: check.int(`${field}.replicaLagSeconds`, a.replicaLagSeconds, 1, 3600, 60),
  };
}

export function resolvePooler(check: Validator, args: AwsVisorDatabaseArgs, base: ResolvedBase): ResolvedPooler {
  const kind = check.oneOf("pooler", args.pooler, ["pgbouncer", "rds-proxy", "none"], "pgbouncer");
  const p = args.poolerSettings ?? {};
  if (kind === "none" && args.poolerSettings !== undefined) check.fail("poolerSettings", 'unset when pooler is "none"', "[set]");
  if (kind === "rds-proxy") {
    for (const k of ["image", "desiredCount", "cpu", "memory", "clusterArn", "logRetentionDays"] as const) {
      if (p[k] !== undefined)
        check.fail(`poolerSettings.${k}`, 'unset when pooler is "rds-proxy" (a PgBouncer-only setting)', p[k]);
    }
  }
  const image = check.nonEmpty("poolerSettings.image", p.image, DEFAULT_PGBOUNCER_IMAGE);
  requirePinnedImage(check, "poolerSettings.image", image);
  const desiredCount = check.int("poolerSettings.desiredCount", p.desiredCount, 1, 10, 2);
  const cpu = p.cpu ?? 256;
  check.require(
    (FARGATE_CPU as readonly number[]).includes(cpu),
    "poolerSettings.cpu",
    `one of ${FARGATE_CPU.join(", ")}`,
    p.cpu,
  );
  const memory = check.int("poolerSettings.memory", p.memory, 512, 30_720, 512);
  const subnetIds = p.subnetIds ?? args.subnetIds;
  check.require(
    Array.isArray(subnetIds) && subnetIds.length >= 2,
    "poolerSettings.subnetIds",
    "a list of at least 2 subnets (in different AZs)",
    subnetIds?.length,
  );
  // Each PgBouncer task opens up to default_pool_size server connections: all of them must fit under max_connections.
  if (kind === "pgbouncer") {
    requirePoolerCapacity(check, {
      count: desiredCount,
      what: "PgBouncer tasks",
      poolSize: base.pool.defaultPoolSize,
      maxConnections: base.tuning.maxConnections,
      bootstrapConnections: bootstrapConnections(base.bootstrap),
    });
  }
  const logRetentionDays = p.logRetentionDays ?? 30;
  check.require(
    LOG_RETENTION_DAYS.includes(logRetentionDays),
    "poolerSettings.logRetentionDays",
    `one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch's values)`,
    p.logRetentionDays,
  );
  return {
    kind,
    image,
    desiredCount,
    cpu,
    memory,
    subnetIds,
    clusterArn: p.clusterArn,
    logRetentionDays,
  };
}

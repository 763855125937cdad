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
export function onlyFor(v: Validator, engine: AwsEngine, needed: AwsEngine, field: string, value: unknown): void {
  if (value !== undefined && engine !== needed)
    v.fail(
      field,
      `unset when engine is ${JSON.stringify(engine)} (it is ${needed === "rds" ? "an RDS" : "an Aurora"}-only option)`,
      value,
    );
}

export function resolveReplicas(
  v: Validator,
  args: AwsVisorDatabaseArgs,
  engine: AwsEngine,
  instanceClass: string,
  stackRegion: string | undefined,
): ResolvedReplica[] {
  // Multi-AZ gives RDS its HA; on Aurora the reader is the failover target.
  const specs = replicaSpecs<ReplicaSpec>(v, args.replicas, MAX_REPLICAS, engine === "aurora" ? 1 : 0);
  return specs.map((s, index) => {
    const f = (k: string) => `replicas[${index}].${k}`;
    if (s.instanceClass !== undefined)
      v.require(
        /^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(s.instanceClass),
        f("instanceClass"),
        'an RDS instance class like "db.r7g.large"',
        s.instanceClass,
      );
    onlyFor(v, engine, "rds", f("region"), s.region);
    onlyFor(v, engine, "rds", f("multiAz"), s.multiAz);
    onlyFor(v, engine, "rds", f("kmsKeyId"), s.kmsKeyId);
    onlyFor(v, engine, "rds", f("subnetGroupName"), s.subnetGroupName);
    onlyFor(v, engine, "rds", f("securityGroupIds"), s.securityGroupIds);
    onlyFor(v, engine, "aurora", f("promotionTier"), s.promotionTier);
    if (s.region !== undefined) {
      v.require(REGION.test(s.region), f("region"), 'an AWS region like "us-west-2"', s.region);
      v.require(
        s.region !== stackRegion,
        f("region"),
        `a region other than the writer's (${stackRegion}); omit it for a same-region replica`,
        s.region,
      );
      // Storage is always encrypted, and an encrypted snapshot can only be copied with a key in the destination region.
      v.require(
        s.kmsKeyId !== undefined,
        f("kmsKeyId"),
        `set for a cross-region replica (a KMS key in ${s.region}; storage is always encrypted)`,
        s.kmsKeyId,
      );
      requireKeyInRegion(v, f("kmsKeyId"), s.kmsKeyId, s.region, `arn:aws:kms:${s.region}:<account>:key/…`);
      v.require(
        s.subnetGroupName !== undefined,
        f("subnetGroupName"),
        `set for a cross-region replica (a DB subnet group in ${s.region})`,
        s.subnetGroupName,
      );
    } else {
      for (const k of ["kmsKeyId", "subnetGroupName", "securityGroupIds"] as const) {
        if (s[k] !== undefined)
          v.fail(
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
      multiAz: v.bool(f("multiAz"), s.multiAz, false),
      promotionTier: v.int(f("promotionTier"), s.promotionTier, 0, 15, 1),
    };
  });
}

export function resolveAwsBackup(
  v: Validator,
  args: AwsVisorDatabaseArgs,
  region: string | undefined,
): false | ResolvedAwsBackup {
  const b = optIn<AwsBackupSettings>(v, "awsBackup", args.awsBackup);
  if (!b) return false;
  const cron = (field: string, value: string | undefined, fallback: string) => {
    const c = value ?? fallback;
    v.require(
      typeof c === "string" && BACKUP_CRON.test(c),
      field,
      'an AWS Backup cron expression like "cron(0 5 ? * * *)"',
      value,
    );
    return c;
  };
  const dailySchedule = cron("awsBackup.dailySchedule", b.dailySchedule, "cron(0 5 ? * * *)");
  const weeklySchedule = cron("awsBackup.weeklySchedule", b.weeklySchedule, "cron(0 6 ? * SUN *)");
  const dailyRetentionDays = v.int("awsBackup.dailyRetentionDays", b.dailyRetentionDays, 1, 36_500, 30);
  const offsiteRetentionDays = v.int("awsBackup.offsiteRetentionDays", b.offsiteRetentionDays, 1, 36_500, 90);
  let offsite: ResolvedAwsBackup["offsite"];
  if (b.offsiteVaultArn !== undefined) {
    v.require(
      b.offsiteRegion === undefined,
      "awsBackup.offsiteRegion",
      "unset when awsBackup.offsiteVaultArn is set (one offsite destination)",
      b.offsiteRegion,
    );
    v.require(
      b.offsiteKmsKeyArn === undefined,
      "awsBackup.offsiteKmsKeyArn",
      "unset when awsBackup.offsiteVaultArn is set (the other vault has its own key)",
      "[set]",
    );
    v.require(
      VAULT_ARN.test(b.offsiteVaultArn),
      "awsBackup.offsiteVaultArn",
      "a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)",
      b.offsiteVaultArn,
    );
    // RDS snapshots under the AWS managed key cannot leave the account: a cross-account copy needs a CMK.
    v.require(
      args.kmsKeyId !== undefined,
      "kmsKeyId",
      "a customer-managed KMS key when awsBackup.offsiteVaultArn is set (snapshots under the AWS managed key cannot be copied to another account)",
      args.kmsKeyId,
    );
    offsite = { vaultArn: b.offsiteVaultArn };
  } else {
    const target = b.offsiteRegion ?? (region ? OFFSITE_REGION_PAIRS[region] : undefined);
    if (target === undefined) {
      v.fail(
        "awsBackup.offsiteRegion",
        `set (no default offsite region for stack region ${region ?? "unknown: set aws:region"}), or awsBackup.offsiteVaultArn, or awsBackup: false`,
        b.offsiteRegion,
      );
    }
    v.require(REGION.test(target), "awsBackup.offsiteRegion", 'an AWS region like "us-west-2"', target);
    v.require(target !== region, "awsBackup.offsiteRegion", `a region other than the stack's (${region})`, target);
    offsite = { region: target, kmsKeyArn: b.offsiteKmsKeyArn };
  }
  return { dailySchedule, dailyRetentionDays, weeklySchedule, offsiteRetentionDays, offsite, kmsKeyArn: b.kmsKeyArn };
}

export function resolveAlerts(v: Validator, args: AwsVisorDatabaseArgs): false | ResolvedAlarms {
  // `alarms` is the deprecated spelling of `alerts`.
  const field = args.alerts === undefined && args.alarms !== undefined ? "alarms" : "alerts";
  v.require(
    args.alerts === undefined || args.alarms === undefined,
    "alarms",
    "unset when alerts is set (alarms is its old name)",
    "[set]",
  );
  const a = optIn<AwsAlarmSettings>(v, field, args.alerts ?? args.alarms);
  if (!a) return false;
  return {
    snsTopicArn: a.snsTopicArn,
    cpuPercent: v.int(`${field}.cpuPercent`, a.cpuPercent, 1, 100, 80),
    freeStoragePercent: v.int(`${field}.freeStoragePercent`, a.freeStoragePercent, 1, 99, 10),
    freeableMemoryMiB: v.int(`${field}.freeableMemoryMiB`, a.freeableMemoryMiB, 1, 1_048_576, 256),
    connectionsPercent: v.int(`${field}.connectionsPercent`, a.connectionsPercent, 1, 100, 80),
    replicaLagSeconds: v.int(`${field}.replicaLagSeconds`, a.replicaLagSeconds, 1, 3600, 60),
  };
}

export function resolvePooler(v: Validator, args: AwsVisorDatabaseArgs, base: ResolvedBase): ResolvedPooler {
  const kind = v.oneOf("pooler", args.pooler, ["pgbouncer", "rds-proxy", "none"], "pgbouncer");
  const p = args.poolerSettings ?? {};
  if (kind === "none" && args.poolerSettings !== undefined) v.fail("poolerSettings", 'unset when pooler is "none"', "[set]");
  if (kind === "rds-proxy") {
    for (const k of ["image", "desiredCount", "cpu", "memory", "clusterArn", "logRetentionDays"] as const) {
      if (p[k] !== undefined) v.fail(`poolerSettings.${k}`, 'unset when pooler is "rds-proxy" (a PgBouncer-only setting)', p[k]);
    }
  }
  const image = v.nonEmpty("poolerSettings.image", p.image, DEFAULT_PGBOUNCER_IMAGE);
  requirePinnedImage(v, "poolerSettings.image", image);
  const desiredCount = v.int("poolerSettings.desiredCount", p.desiredCount, 1, 10, 2);
  const cpu = p.cpu ?? 256;
  v.require((FARGATE_CPU as readonly number[]).includes(cpu), "poolerSettings.cpu", `one of ${FARGATE_CPU.join(", ")}`, p.cpu);
  const memory = v.int("poolerSettings.memory", p.memory, 512, 30_720, 512);
  const subnetIds = p.subnetIds ?? args.subnetIds;
  v.require(
    Array.isArray(subnetIds) && subnetIds.length >= 2,
    "poolerSettings.subnetIds",
    "a list of at least 2 subnets (in different AZs)",
    subnetIds?.length,
  );
  // Each PgBouncer task opens up to default_pool_size server connections: all of them must fit under max_connections.
  if (kind === "pgbouncer") {
    requirePoolerCapacity(v, {
      count: desiredCount,
      what: "PgBouncer tasks",
      poolSize: base.pool.defaultPoolSize,
      maxConnections: base.tuning.maxConnections,
      bootstrapConnections: bootstrapConnections(base.bootstrap),
    });
  }
  const logRetentionDays = p.logRetentionDays ?? 30;
  v.require(
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

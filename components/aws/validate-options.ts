// The parts of AwsVisorDatabase's validation with a shape of their own: replicas, AWS Backup, alerts
// and the pooler. Rules shared with other clouds come from ../shared/rules.
import type { ResolvedBase } from "../shared/base-validation";
import { RESERVED_CONNECTIONS } from "../shared/defaults";
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
import {
  DEFAULT_PGBOUNCER_IMAGE,
  FARGATE_CPU,
  FARGATE_MEMORY,
  LOG_RETENTION_DAYS,
  MAX_REPLICAS,
  OFFSITE_REGION_PAIRS,
} from "./defaults";
import { instanceMemory } from "./instance-classes";
import type { ResolvedAlarms, ResolvedAwsBackup, ResolvedPooler, ResolvedReplica } from "./resolved";
import { cronStarts, everyDay, noStartZone, requireClear, startSpans, type Span } from "./windows";

export const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const VAULT_ARN = /^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/;
/** The provider validates RDS's KMS fields as ARNs, and IAM policies name a key by its key ARN (not an alias). */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-)?[0-9a-f-]+$/;
/** RDS's storage autoscaling acts at 10 % free: the free-storage alarm must come before it. */
export const AUTOSCALING_FREE_PERCENT = 10;

/** A KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); a key id or alias is refused with the remedy. */
export function requireKmsKeyArn(check: Validator, field: string, key: unknown): void {
  if (typeof key !== "string") return;
  check.require(
    KMS_KEY_ARN.test(key),
    field,
    "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>): not a key id or alias (find the ARN with `aws kms describe-key --key-id <id or alias>`)",
    key,
  );
}

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
    if (s.instanceClass !== undefined) instanceMemory(check, f("instanceClass"), engine, s.instanceClass);
    // AWS places a Multi-AZ instance's standby itself: a zone cannot be named.
    check.require(
      !(s.availabilityZone !== undefined && s.multiAz === true),
      f("availabilityZone"),
      `unset when replicas[${index}].multiAz is true (AWS chooses a Multi-AZ instance's zones)`,
      s.availabilityZone,
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
      requireKmsKeyArn(check, f("kmsKeyId"), s.kmsKeyId);
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
  windows: { engine: AwsEngine; backupWindow: { start: number; minutes: number }; maintenanceWindow: Span },
): false | ResolvedAwsBackup {
  const b = optIn<AwsBackupSettings>(check, "awsBackup", args.awsBackup);
  if (!b) return false;
  // AWS Backup starts no RDS backup in the hour before or during the backup window or (RDS only: Aurora is
  // exempt) the maintenance window; such jobs fail.
  const zones = everyDay(windows.backupWindow).map((span) => ({
    span: noStartZone(span),
    what: "the hour before and the span of backupWindow",
  }));
  if (windows.engine === "rds")
    zones.push({ span: noStartZone(windows.maintenanceWindow), what: "the hour before and the span of maintenanceWindow" });
  const cron = (field: string, value: string | undefined, fallback: string) => {
    const c = value ?? fallback;
    const starts = typeof c === "string" ? cronStarts(c) : undefined;
    if (starts === undefined)
      return check.fail(
        field,
        'an AWS Backup cron expression with a fixed minute and hour(s), like "cron(0 5 ? * * *)" or "cron(0 10 ? * SUN *)"',
        value,
      );
    requireClear(check, field, c, starts, zones);
    return { c, starts };
  };
  const daily = cron("awsBackup.dailySchedule", b.dailySchedule, "cron(0 5 ? * * *)");
  const weekly = cron("awsBackup.weeklySchedule", b.weeklySchedule, "cron(0 10 ? * SUN *)");
  // Overlapping rules make AWS Backup keep one backup, the longer-retained: the rules never overlap…
  requireClear(
    check,
    "awsBackup.weeklySchedule",
    weekly.c,
    weekly.starts,
    startSpans(daily.starts).map((span) => ({ span, what: "awsBackup.dailySchedule's start window" })),
  );
  const dailyRetentionDays = check.int("awsBackup.dailyRetentionDays", b.dailyRetentionDays, 1, 36_499, 30);
  const offsiteRetentionDays = check.int("awsBackup.offsiteRetentionDays", b.offsiteRetentionDays, 1, 36_500, 90);
  // …and should they ever, the weekly one (with the offsite copy) keeps its local point longer, so it wins.
  const weeklyLocalRetentionDays = Math.max(offsiteRetentionDays, dailyRetentionDays + 1);
  const dailySchedule = daily.c;
  const weeklySchedule = weekly.c;
  requireKmsKeyArn(check, "awsBackup.kmsKeyArn", b.kmsKeyArn);
  requireKmsKeyArn(check, "awsBackup.offsiteKmsKeyArn", b.offsiteKmsKeyArn);
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
  return {
    dailySchedule,
    dailyRetentionDays,
    weeklySchedule,
    offsiteRetentionDays,
    weeklyLocalRetentionDays,
    offsite,
    kmsKeyArn: b.kmsKeyArn,
  };
}

/** Server connections the pooler holds when its pool is full (0 without a pooler). */
export function poolerServerConnections(base: ResolvedBase, pooler: ResolvedPooler): number {
  if (pooler.kind === "pgbouncer") return pooler.desiredCount * base.pool.defaultPoolSize;
  if (pooler.kind === "rds-proxy") return Math.floor((base.tuning.maxConnections * proxyPool(base).maxConnectionsPercent) / 100);
  return 0;
}

/**
 * RDS Proxy's pool as percentages of max_connections: the guide's pool with a quarter more headroom, but
 * never into the reserved connections or the bootstrap's; idle connections kept as AWS's default, half of it.
 */
export function proxyPool(base: ResolvedBase): { maxConnectionsPercent: number; maxIdleConnectionsPercent: number } {
  const max = base.tuning.maxConnections;
  const wanted = Math.ceil(base.pool.defaultPoolSize * 1.25);
  const room = max - RESERVED_CONNECTIONS - bootstrapConnections(base.bootstrap);
  const connections = Math.max(base.pool.defaultPoolSize, Math.min(wanted, room));
  const maxConnectionsPercent = Math.max(1, Math.min(100, Math.floor((100 * connections) / max)));
  return { maxConnectionsPercent, maxIdleConnectionsPercent: Math.floor(maxConnectionsPercent / 2) };
}

export function resolveAlerts(
  check: Validator,
  args: AwsVisorDatabaseArgs,
  base: ResolvedBase,
  pooler: ResolvedPooler,
): false | ResolvedAlarms {
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
  const connectionsPercent = check.int(`${field}.connectionsPercent`, a.connectionsPercent, 1, 100, 95);
  // The usable connections: PostgreSQL keeps the reserved ones for superusers (and RDS for itself).
  const usable = base.tuning.maxConnections - RESERVED_CONNECTIONS;
  // A full pool plus one admin connection is normal operation, not an alarm: the default rises above it.
  const busy = poolerServerConnections(base, pooler) + 1;
  const byPercent = Math.floor((usable * connectionsPercent) / 100);
  const connectionsThreshold = a.connectionsPercent === undefined ? Math.min(usable, Math.max(byPercent, busy)) : byPercent;
  check.require(
    a.connectionsPercent === undefined || connectionsThreshold >= busy,
    `${field}.connectionsPercent`,
    `at least ${Math.ceil((100 * busy) / usable)}: ${connectionsPercent}% of ${usable} usable connections (max_connections ${base.tuning.maxConnections} − ${RESERVED_CONNECTIONS} reserved) is ${connectionsThreshold}, below a full pool plus one admin connection (${busy})`,
    a.connectionsPercent,
  );
  return {
    snsTopicArn: a.snsTopicArn,
    cpuPercent: check.int(`${field}.cpuPercent`, a.cpuPercent, 1, 100, 80),
    freeStoragePercent: check.int(`${field}.freeStoragePercent`, a.freeStoragePercent, AUTOSCALING_FREE_PERCENT + 1, 99, 20),
    freeableMemoryMiB: check.int(`${field}.freeableMemoryMiB`, a.freeableMemoryMiB, 1, 1_048_576, 256),
    connectionsPercent,
    connectionsThreshold,
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
  // Fargate accepts only its CPU/memory pairs; the default is the smallest memory for the CPU.
  const memories = FARGATE_MEMORY[cpu]!;
  const memory = p.memory ?? memories[0]!;
  check.require(
    memories.includes(memory),
    "poolerSettings.memory",
    `one of Fargate's values for cpu ${cpu}: ${memories.length > 4 ? `${memories[0]}–${memories[memories.length - 1]} in steps of 1024` : memories.join(", ")} (MiB)`,
    p.memory,
  );
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

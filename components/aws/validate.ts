// Every AwsVisorDatabase argument checked and defaulted before any resource is registered, so a bad
// value fails `pulumi preview` with one message naming the field and what it may be.
import * as pulumi from "@pulumi/pulumi";
import { validateBase, type ResolvedBase } from "../shared/base-validation";
import { Validator } from "../shared/validation";
import type { AwsEngine, AwsPoolerKind, AwsVisorDatabaseArgs, ReplicaSpec } from "./args";

export const COMPONENT = "AwsVisorDatabase";

/** PostgreSQL majors each engine offers (RDS and Aurora release notes, 2026). Default "17". */
export const AWS_ENGINE_MAJORS: Readonly<Record<AwsEngine, readonly string[]>> = {
  rds: ["14", "15", "16", "17", "18"],
  aurora: ["14", "15", "16", "17"],
};
export const DEFAULT_ENGINE_MAJOR = "17";
export const DEFAULT_INSTANCE_CLASS = "db.t4g.medium";
export const DEFAULT_CA_CERT = "rds-ca-rsa2048-g1";
export const CA_CERTS = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"] as const;
/** PgBouncer 1.23.1 (SCRAM pass-through, verify-full). Pin a digest in production: `image@sha256:…`. */
export const DEFAULT_PGBOUNCER_IMAGE = "edoburu/pgbouncer:1.23.1-p2";
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;
const FARGATE_CPU = [256, 512, 1024, 2048, 4096] as const;
const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
/** Headroom kept below max_connections for the admin user, RDS's reserved connections and monitoring. */
export const ADMIN_CONNECTION_HEADROOM = 5;

/** Default offsite region for the weekly AWS Backup copy: a nearby region in the same jurisdiction. */
export const OFFSITE_REGION_PAIRS: Readonly<Record<string, string>> = {
  "us-east-1": "us-west-2",
  "us-east-2": "us-west-2",
  "us-west-1": "us-east-1",
  "us-west-2": "us-east-1",
  "ca-central-1": "ca-west-1",
  "ca-west-1": "ca-central-1",
  "eu-west-1": "eu-central-1",
  "eu-west-2": "eu-west-1",
  "eu-west-3": "eu-central-1",
  "eu-central-1": "eu-west-1",
  "eu-central-2": "eu-central-1",
  "eu-north-1": "eu-central-1",
  "eu-south-1": "eu-central-1",
  "eu-south-2": "eu-west-3",
  "ap-northeast-1": "ap-northeast-3",
  "ap-northeast-3": "ap-northeast-1",
  "ap-northeast-2": "ap-northeast-1",
  "ap-southeast-1": "ap-southeast-2",
  "ap-southeast-2": "ap-southeast-4",
  "ap-southeast-4": "ap-southeast-2",
  "ap-south-1": "ap-south-2",
  "ap-south-2": "ap-south-1",
  "sa-east-1": "us-east-1",
};

export interface ResolvedReplica {
  index: number;
  instanceClass: string;
  availabilityZone?: string;
  region?: string;
  kmsKeyId?: pulumi.Input<string>;
  subnetGroupName?: pulumi.Input<string>;
  securityGroupIds?: pulumi.Input<string>[];
  multiAz: boolean;
  promotionTier: number;
}

export interface ResolvedAwsBackup {
  dailySchedule: string;
  dailyRetentionDays: number;
  weeklySchedule: string;
  offsiteRetentionDays: number;
  /** Either a vault this component creates in another region, or an existing vault ARN. */
  offsite: { region: string; kmsKeyArn?: pulumi.Input<string> } | { vaultArn: string };
  kmsKeyArn?: pulumi.Input<string>;
}

export interface ResolvedAlarms {
  snsTopicArn?: pulumi.Input<string>;
  cpuPercent: number;
  freeStoragePercent: number;
  freeableMemoryMiB: number;
  connectionsPercent: number;
  replicaLagSeconds: number;
}

export interface ResolvedPooler {
  kind: AwsPoolerKind;
  image: string;
  desiredCount: number;
  cpu: number;
  memory: number;
  subnetIds: pulumi.Input<string>[];
  clusterArn?: pulumi.Input<string>;
  logRetentionDays: number;
}

export interface ResolvedAws {
  base: ResolvedBase;
  engine: AwsEngine;
  major: string;
  engineVersion: string;
  /** Parameter group family: `postgres17` / `aurora-postgresql17`. */
  family: string;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  allowedSecurityGroupIds: pulumi.Input<string>[];
  allowedCidrBlocks: string[];
  instanceClass: string;
  allocatedStorage: number;
  maxAllocatedStorage: number;
  multiAz: boolean;
  auroraStorageType: "aurora" | "aurora-iopt1";
  masterUsername: string;
  backupWindow: string;
  maintenanceWindow: string;
  awsBackup: false | ResolvedAwsBackup;
  replicas: ResolvedReplica[];
  pooler: ResolvedPooler;
  performanceInsights: boolean;
  monitoringInterval: number;
  alarms: false | ResolvedAlarms;
  kmsKeyId?: pulumi.Input<string>;
  caCertIdentifier: string;
  caBundlePem?: string;
  caBundleFile?: string;
  /** The stack's region (aws:region or AWS_REGION), when known. */
  stackRegion?: string;
  /** Raw parameter overrides, already name-checked by validateBase. */
  parameters: Record<string, string>;
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const WEEK_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
const BACKUP_CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;
const VAULT_ARN = /^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/;

function isCidr(s: string): boolean {
  const m = CIDR.exec(s);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

function windowMinutes(w: string): number {
  const [a, b] = w.split("-").map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))) as [number, number];
  return (b - a + 1440) % 1440;
}

/** The stack's AWS region as the provider sees it, when it can be known without a call. */
export function stackRegion(): string | undefined {
  return new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

/** Forbids an option that belongs to the other engine. */
function onlyFor(v: Validator, engine: AwsEngine, needed: AwsEngine, field: string, value: unknown): void {
  if (value !== undefined && engine !== needed)
    v.fail(
      field,
      `unset when engine is ${JSON.stringify(engine)} (it is ${needed === "rds" ? "an RDS" : "an Aurora"}-only option)`,
      value,
    );
}

function resolveReplicas(
  v: Validator,
  args: AwsVisorDatabaseArgs,
  engine: AwsEngine,
  instanceClass: string,
  stackRegion: string | undefined,
): ResolvedReplica[] {
  const raw = args.replicas ?? (engine === "aurora" ? 1 : 0);
  let specs: ReplicaSpec[];
  if (typeof raw === "number") {
    const n = v.int("replicas", raw, 0, 15, 0);
    specs = Array.from({ length: n }, () => ({}));
  } else if (Array.isArray(raw)) {
    v.require(
      raw.length <= 15,
      "replicas",
      "an integer from 0 to 15 or a list of at most 15 replica specs",
      `${raw.length} specs`,
    );
    specs = raw;
  } else {
    return v.fail("replicas", "an integer from 0 to 15 or a list of at most 15 replica specs", raw);
  }
  return specs.map((s, index) => {
    const f = (k: string) => `replicas[${index}].${k}`;
    v.require(s !== null && typeof s === "object", `replicas[${index}]`, "a replica spec object", s);
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

function resolveAwsBackup(v: Validator, args: AwsVisorDatabaseArgs, region: string | undefined): false | ResolvedAwsBackup {
  if (args.awsBackup === false) return false;
  const b = args.awsBackup === true || args.awsBackup === undefined ? {} : args.awsBackup;
  v.require(typeof b === "object" && b !== null, "awsBackup", "true, false or an AwsBackupSettings object", b);
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

function resolveAlarms(v: Validator, args: AwsVisorDatabaseArgs): false | ResolvedAlarms {
  if (args.alarms === false) return false;
  const a = args.alarms === true || args.alarms === undefined ? {} : args.alarms;
  return {
    snsTopicArn: a.snsTopicArn,
    cpuPercent: v.int("alarms.cpuPercent", a.cpuPercent, 1, 100, 80),
    freeStoragePercent: v.int("alarms.freeStoragePercent", a.freeStoragePercent, 1, 99, 10),
    freeableMemoryMiB: v.int("alarms.freeableMemoryMiB", a.freeableMemoryMiB, 1, 1_048_576, 256),
    connectionsPercent: v.int("alarms.connectionsPercent", a.connectionsPercent, 1, 100, 80),
    replicaLagSeconds: v.int("alarms.replicaLagSeconds", a.replicaLagSeconds, 1, 3600, 60),
  };
}

function resolvePooler(v: Validator, args: AwsVisorDatabaseArgs, base: ResolvedBase): ResolvedPooler {
  const kind = v.oneOf("pooler", args.pooler, ["pgbouncer", "rds-proxy", "none"], "pgbouncer");
  const p = args.poolerSettings ?? {};
  if (kind === "none" && args.poolerSettings !== undefined) v.fail("poolerSettings", 'unset when pooler is "none"', "[set]");
  if (kind === "rds-proxy") {
    for (const k of ["image", "desiredCount", "cpu", "memory", "clusterArn", "logRetentionDays"] as const) {
      if (p[k] !== undefined) v.fail(`poolerSettings.${k}`, 'unset when pooler is "rds-proxy" (a PgBouncer-only setting)', p[k]);
    }
  }
  const image = v.nonEmpty("poolerSettings.image", p.image, DEFAULT_PGBOUNCER_IMAGE);
  // A mutable tag such as :latest would change PgBouncer under a running stack.
  v.require(
    !/:latest$/.test(image) && /[:@]/.test(image.split("/").pop()!),
    "poolerSettings.image",
    "a pinned image (a version tag or @sha256 digest, not :latest or untagged)",
    image,
  );
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
  const maxConnections = Number(base.tuning.max_connections);
  if (kind === "pgbouncer") {
    const total = base.pool.defaultPoolSize * desiredCount;
    v.require(
      total <= maxConnections - ADMIN_CONNECTION_HEADROOM,
      "pool.defaultPoolSize",
      `at most ${Math.floor((maxConnections - ADMIN_CONNECTION_HEADROOM) / desiredCount)} with ${desiredCount} PgBouncer tasks (tasks × pool ≤ tuning.maxConnections ${maxConnections} − ${ADMIN_CONNECTION_HEADROOM} reserved)`,
      base.pool.defaultPoolSize,
    );
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

/**
 * Validates and defaults every argument. Throws VisorValidationError; registers nothing. `env.region` is the
 * stack's region (default: aws:region, else AWS_REGION / AWS_DEFAULT_REGION).
 */
export function validateAwsArgs(args: AwsVisorDatabaseArgs, env: { region?: string } = { region: stackRegion() }): ResolvedAws {
  const region = env.region;
  const v = new Validator(COMPONENT);
  v.require(args !== null && typeof args === "object", "args", "an AwsVisorDatabaseArgs object", args);
  v.require(args.vpcId !== undefined && args.vpcId !== "", "vpcId", "a VPC id", args.vpcId);
  v.require(
    Array.isArray(args.subnetIds) && args.subnetIds.length >= 2,
    "subnetIds",
    "a list of at least 2 subnets in different AZs (a DB subnet group needs 2)",
    args.subnetIds,
  );
  const engine = v.oneOf("engine", args.engine, ["rds", "aurora"], "rds");

  const version = args.engineVersion ?? DEFAULT_ENGINE_MAJOR;
  const allowed = AWS_ENGINE_MAJORS[engine];
  const major = typeof version === "string" ? version.split(".")[0]! : "";
  v.require(
    typeof version === "string" && /^\d+(\.\d+)?$/.test(version) && allowed.includes(major),
    "engineVersion",
    `a supported ${engine === "rds" ? "RDS for PostgreSQL" : "Aurora PostgreSQL"} major (${allowed.map((a) => JSON.stringify(a)).join(", ")}), optionally with a minor ("17.4")`,
    args.engineVersion,
  );

  // Aurora keeps its own WAL and has no checkpoints: these guide settings do not exist there.
  if (engine === "aurora") {
    for (const k of ["walBuffers", "checkpointCompletionTarget"] as const) {
      if (args.tuning?.[k] !== undefined)
        v.fail(`tuning.${k}`, 'unset when engine is "aurora" (Aurora has no such parameter)', args.tuning[k]);
    }
  }
  const base = validateBase(v, args, { retentionDays: [1, 35] });

  for (const field of ["allocatedStorage", "maxAllocatedStorage", "multiAz"] as const)
    onlyFor(v, engine, "rds", field, args[field]);
  onlyFor(v, engine, "aurora", "auroraStorageType", args.auroraStorageType);

  const instanceClass = args.instanceClass ?? DEFAULT_INSTANCE_CLASS;
  v.require(
    typeof instanceClass === "string" && /^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceClass),
    "instanceClass",
    'an RDS instance class like "db.t4g.medium"',
    args.instanceClass,
  );
  const allocatedStorage = v.int("allocatedStorage", args.allocatedStorage, 20, 65_536, 20);
  const maxAllocatedStorage = v.int(
    "maxAllocatedStorage",
    args.maxAllocatedStorage,
    allocatedStorage + 1,
    65_536,
    Math.max(100, allocatedStorage * 5),
  );
  const auroraStorageType = v.oneOf("auroraStorageType", args.auroraStorageType, ["aurora", "aurora-iopt1"], "aurora");

  const masterUsername = v.identifier("masterUsername", args.masterUsername, "visor_admin");
  v.require(
    !["rdsadmin", "rdsrepladmin", "rds_superuser"].includes(masterUsername),
    "masterUsername",
    "not a name RDS reserves",
    masterUsername,
  );
  v.require(
    masterUsername !== base.appUser,
    "masterUsername",
    `different from appUser (${JSON.stringify(base.appUser)}): Visor must not run as the admin`,
    masterUsername,
  );

  const sgs = args.allowedSecurityGroupIds ?? [];
  const cidrs = args.allowedCidrBlocks ?? [];
  v.require(Array.isArray(sgs), "allowedSecurityGroupIds", "a list of security group ids", sgs);
  v.require(Array.isArray(cidrs), "allowedCidrBlocks", "a list of IPv4 CIDRs", cidrs);
  for (const [i, sg] of sgs.entries()) {
    if (typeof sg === "string")
      v.require(/^sg-[0-9a-f]{8,17}$/.test(sg), `allowedSecurityGroupIds[${i}]`, "a security group id (sg-…)", sg);
  }
  for (const [i, c] of cidrs.entries()) {
    v.require(typeof c === "string" && isCidr(c), `allowedCidrBlocks[${i}]`, 'an IPv4 CIDR like "10.0.0.0/16"', c);
    // The database is never public; an open CIDR would make its port reachable by anything that can route to it.
    v.require(!c.endsWith("/0"), `allowedCidrBlocks[${i}]`, "a bounded CIDR, not /0 (the database is never open to everyone)", c);
  }
  v.require(
    sgs.length + cidrs.length > 0,
    "allowedSecurityGroupIds",
    "a non-empty list (or allowedCidrBlocks): nothing could reach the database",
    sgs,
  );

  const backupWindow = args.backupWindow ?? "03:00-03:30";
  v.require(
    typeof backupWindow === "string" && WINDOW.test(backupWindow) && windowMinutes(backupWindow) >= 30,
    "backupWindow",
    'a UTC window "hh:mm-hh:mm" of at least 30 minutes',
    args.backupWindow,
  );
  const maintenanceWindow = args.maintenanceWindow ?? "sun:07:00-sun:08:00";
  v.require(
    typeof maintenanceWindow === "string" && WEEK_WINDOW.test(maintenanceWindow),
    "maintenanceWindow",
    'a UTC window "ddd:hh:mm-ddd:hh:mm" like "sun:07:00-sun:08:00"',
    args.maintenanceWindow,
  );

  const replicas = resolveReplicas(v, args, engine, instanceClass, region);
  const awsBackup = resolveAwsBackup(v, args, region);
  const pooler = resolvePooler(v, args, base);

  const monitoringInterval = args.monitoringInterval ?? 60;
  v.require(
    (MONITORING_INTERVALS as readonly number[]).includes(monitoringInterval),
    "monitoringInterval",
    `one of ${MONITORING_INTERVALS.join(", ")} seconds`,
    args.monitoringInterval,
  );
  const caCertIdentifier = v.oneOf("caCertIdentifier", args.caCertIdentifier, CA_CERTS, DEFAULT_CA_CERT);
  if (args.caBundlePem !== undefined) {
    v.require(
      typeof args.caBundlePem === "string" && args.caBundlePem.includes("-----BEGIN CERTIFICATE-----"),
      "caBundlePem",
      "a PEM bundle (-----BEGIN CERTIFICATE-----…)",
      "[not a PEM]",
    );
  }
  if (args.caBundleFile !== undefined) {
    v.require(
      typeof args.caBundleFile === "string" && args.caBundleFile.startsWith("/"),
      "caBundleFile",
      "an absolute path to the RDS CA bundle",
      args.caBundleFile,
    );
  }

  // TLS is not optional for Visor, and pg_stat_statements is how the guide finds slow queries.
  const parameters = args.parameters ?? {};
  if (parameters["rds.force_ssl"] !== undefined)
    v.require(
      parameters["rds.force_ssl"] === "1",
      "parameters.rds.force_ssl",
      '"1" (TLS is required)',
      parameters["rds.force_ssl"],
    );
  if (parameters.shared_preload_libraries !== undefined) {
    const libs = parameters.shared_preload_libraries.split(",").map((s) => s.trim());
    v.require(
      libs.includes("pg_stat_statements"),
      "parameters.shared_preload_libraries",
      "a list that includes pg_stat_statements",
      parameters.shared_preload_libraries,
    );
  }

  return {
    base,
    engine,
    major,
    engineVersion: version,
    family: `${engine === "rds" ? "postgres" : "aurora-postgresql"}${major}`,
    vpcId: args.vpcId,
    subnetIds: args.subnetIds,
    allowedSecurityGroupIds: sgs,
    allowedCidrBlocks: cidrs,
    instanceClass,
    allocatedStorage,
    maxAllocatedStorage,
    multiAz: v.bool("multiAz", args.multiAz, true),
    auroraStorageType,
    masterUsername,
    backupWindow,
    maintenanceWindow,
    awsBackup,
    replicas,
    pooler,
    performanceInsights: v.bool("performanceInsights", args.performanceInsights, true),
    monitoringInterval,
    alarms: resolveAlarms(v, args),
    kmsKeyId: args.kmsKeyId,
    caCertIdentifier,
    caBundlePem: args.caBundlePem,
    caBundleFile: args.caBundleFile,
    stackRegion: region,
    parameters,
  };
}

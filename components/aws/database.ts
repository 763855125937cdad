// The writer: an RDS for PostgreSQL instance, or an aurora-postgresql cluster with its writer instance.
// Backups (PITR = the guide's hourly WAL), encryption, TLS, IAM auth and monitoring are on by default;
// the master password is generated and kept by RDS in Secrets Manager.
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import * as rds from "@pulumi/aws/rds";
import * as random from "@pulumi/random";
import type { Endpoint } from "../shared/args";
import { POSTGRES_PORT } from "../shared/defaults";
import { safeName, type AwsBuild } from "./context";
import { LOG_EXPORTS, PERFORMANCE_INSIGHTS_RETENTION_DAYS } from "./defaults";
import type { Network } from "./network";
import type { ParameterGroups } from "./parameters";

export interface Writer {
  finalSnapshotSuffix: random.RandomId;
  instance?: rds.Instance;
  cluster?: rds.Cluster;
  /** Aurora's first instance (promotion tier 0). */
  writerInstance?: rds.ClusterInstance;
  endpoint: pulumi.Output<Endpoint>;
  /** What AWS Backup selects and RDS Proxy targets. */
  arn: pulumi.Output<string>;
  identifier: pulumi.Output<string>;
  masterUserSecretArn: pulumi.Output<string>;
  /** Everything that must exist before connecting. */
  ready: pulumi.Resource[];
}

/** Settings shared by the RDS writer, RDS replicas and Aurora instances. */
export function instanceMonitoring(ctx: AwsBuild, monitoringRole: iam.Role | undefined) {
  const { settings: r } = ctx;
  return {
    performanceInsightsEnabled: r.performanceInsights,
    performanceInsightsRetentionPeriod: r.performanceInsights ? PERFORMANCE_INSIGHTS_RETENTION_DAYS : undefined,
    performanceInsightsKmsKeyId: r.performanceInsights ? r.kmsKeyId : undefined,
    monitoringInterval: r.monitoringInterval,
    monitoringRoleArn: monitoringRole?.arn,
  };
}

export function createWriter(
  ctx: AwsBuild,
  network: Network,
  groups: ParameterGroups,
  monitoringRole: iam.Role | undefined,
): Writer {
  const { settings: r, name } = ctx;
  // A fresh suffix whenever the database is replaced, so a re-created database never collides with the
  // final snapshot its predecessor left (DBSnapshotAlreadyExists).
  const finalSnapshotSuffix = new random.RandomId(
    `${name}-final-snapshot-suffix`,
    ...ctx.children.prepare("finalSnapshotSuffix", {
      byteLength: 4,
      keepers: { engine: r.engine, kmsKeyId: r.kmsKeyId ?? "aws-managed", masterUsername: r.masterUsername },
    }),
  );
  const finalSnapshotIdentifier = pulumi.interpolate`${safeName(name)}-final-${finalSnapshotSuffix.hex}`;
  const common = {
    storageEncrypted: true,
    kmsKeyId: r.kmsKeyId,
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: r.kmsKeyId,
    dbSubnetGroupName: network.subnetGroup.name,
    vpcSecurityGroupIds: [network.securityGroup.id],
    backupRetentionPeriod: r.base.retentionDays,
    copyTagsToSnapshot: true,
    deleteAutomatedBackups: false,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier,
    deletionProtection: r.base.deletionProtection,
    iamDatabaseAuthenticationEnabled: true,
    // Only the major is pinned: AWS applies minor versions in the maintenance window without drift.
    engineVersion: r.engineVersion,
    autoMinorVersionUpgrade: true,
    // Takes effect only when the user raises engineVersion's major.
    allowMajorVersionUpgrade: true,
    port: POSTGRES_PORT,
    tags: r.base.tags,
  };

  if (r.engine === "rds") {
    const instance = new rds.Instance(
      `${name}-writer`,
      ...ctx.children.prepare("instance", {
        ...common,
        engine: "postgres",
        instanceClass: r.instanceClass,
        allocatedStorage: r.allocatedStorage,
        maxAllocatedStorage: r.maxAllocatedStorage,
        storageType: "gp3",
        multiAz: r.multiAz,
        publiclyAccessible: false,
        username: r.masterUsername,
        parameterGroupName: groups.instance.name,
        backupWindow: r.backupWindow,
        maintenanceWindow: r.maintenanceWindow,
        caCertIdentifier: r.caCertIdentifier,
        enabledCloudwatchLogsExports: LOG_EXPORTS.rds,
        ...instanceMonitoring(ctx, monitoringRole),
      }),
    );
    return {
      finalSnapshotSuffix,
      instance,
      endpoint: pulumi.all([instance.address, instance.port]).apply(([host, port]) => ({ host, port })),
      arn: instance.arn,
      identifier: instance.identifier,
      masterUserSecretArn: instance.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? ""),
      ready: [instance],
    };
  }

  const cluster = new rds.Cluster(
    `${name}-cluster`,
    ...ctx.children.prepare("cluster", {
      ...common,
      engine: "aurora-postgresql",
      // Standard Aurora storage is the API's empty value; "aurora" would show as perpetual drift.
      storageType: r.auroraStorageType === "aurora-iopt1" ? "aurora-iopt1" : undefined,
      masterUsername: r.masterUsername,
      dbClusterParameterGroupName: groups.cluster!.name,
      // Used during a major upgrade, so instances move to the new family's group at the same time.
      dbInstanceParameterGroupName: groups.instance.name,
      preferredBackupWindow: r.backupWindow,
      preferredMaintenanceWindow: r.maintenanceWindow,
      enabledCloudwatchLogsExports: LOG_EXPORTS.aurora,
    }),
  );
  const writerInstance = auroraInstance(ctx, `${name}-writer`, cluster, groups, monitoringRole, {
    instanceClass: r.instanceClass,
    promotionTier: 0,
  });
  return {
    finalSnapshotSuffix,
    cluster,
    writerInstance,
    endpoint: pulumi.all([cluster.endpoint, cluster.port]).apply(([host, port]) => ({ host, port })),
    arn: cluster.arn,
    identifier: cluster.clusterIdentifier,
    masterUserSecretArn: cluster.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? ""),
    ready: [cluster, writerInstance],
  };
}

/** An Aurora instance (writer or reader) with the component's TLS, monitoring and parameter group. */
export function auroraInstance(
  ctx: AwsBuild,
  name: string,
  cluster: rds.Cluster,
  groups: ParameterGroups,
  monitoringRole: iam.Role | undefined,
  spec: { instanceClass: string; promotionTier: number; availabilityZone?: string },
  opts: pulumi.CustomResourceOptions = {},
): rds.ClusterInstance {
  const { settings: r } = ctx;
  return new rds.ClusterInstance(
    name,
    ...ctx.children.prepare(
      "clusterInstance",
      {
        clusterIdentifier: cluster.id,
        engine: "aurora-postgresql",
        engineVersion: cluster.engineVersion,
        instanceClass: spec.instanceClass,
        availabilityZone: spec.availabilityZone,
        promotionTier: spec.promotionTier,
        dbParameterGroupName: groups.instance.name,
        publiclyAccessible: false,
        caCertIdentifier: r.caCertIdentifier,
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        preferredMaintenanceWindow: r.maintenanceWindow,
        ...instanceMonitoring(ctx, monitoringRole),
        tags: r.base.tags,
      },
      opts,
    ),
  );
}

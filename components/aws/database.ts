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
  const { settings } = ctx;
  return {
    performanceInsightsEnabled: settings.performanceInsights,
    performanceInsightsRetentionPeriod: settings.performanceInsights ? PERFORMANCE_INSIGHTS_RETENTION_DAYS : undefined,
    performanceInsightsKmsKeyId: settings.performanceInsights ? settings.kmsKeyId : undefined,
    monitoringInterval: settings.monitoringInterval,
    monitoringRoleArn: monitoringRole?.arn,
  };
}

export function createWriter(
  ctx: AwsBuild,
  network: Network,
  groups: ParameterGroups,
  monitoringRole: iam.Role | undefined,
): Writer {
  const { settings, name } = ctx;
  // A fresh suffix whenever the database is replaced, so a re-created database never collides with the
  // final snapshot its predecessor left (DBSnapshotAlreadyExists).
  const finalSnapshotSuffix = new random.RandomId(
    `${name}-final-snapshot-suffix`,
    ...ctx.children.prepare("finalSnapshotSuffix", {
      byteLength: 4,
      keepers: { engine: settings.engine, kmsKeyId: settings.kmsKeyId ?? "aws-managed", masterUsername: settings.masterUsername },
    }),
  );
  const finalSnapshotIdentifier = pulumi.interpolate`${safeName(name)}-final-${finalSnapshotSuffix.hex}`;
  const common = {
    storageEncrypted: true,
    kmsKeyId: settings.kmsKeyId,
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: settings.kmsKeyId,
    dbSubnetGroupName: network.subnetGroup.name,
    vpcSecurityGroupIds: [network.securityGroup.id],
    backupRetentionPeriod: settings.base.retentionDays,
    copyTagsToSnapshot: true,
    deleteAutomatedBackups: false,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier,
    deletionProtection: settings.base.deletionProtection,
    iamDatabaseAuthenticationEnabled: true,
    // Only the major is pinned: AWS applies minor versions in the maintenance window without drift.
    engineVersion: settings.engineVersion,
    autoMinorVersionUpgrade: true,
    // Takes effect only when the user raises engineVersion's major.
    allowMajorVersionUpgrade: true,
    port: POSTGRES_PORT,
    tags: settings.base.tags,
  };

  if (settings.engine === "rds") {
    const instance = new rds.Instance(
      `${name}-writer`,
      ...ctx.children.prepare("instance", {
        ...common,
        engine: "postgres",
        instanceClass: settings.instanceClass,
        allocatedStorage: settings.allocatedStorage,
        maxAllocatedStorage: settings.maxAllocatedStorage,
        storageType: "gp3",
        multiAz: settings.multiAz,
        publiclyAccessible: false,
        username: settings.masterUsername,
        parameterGroupName: groups.instance.name,
        backupWindow: settings.backupWindow,
        maintenanceWindow: settings.maintenanceWindow,
        caCertIdentifier: settings.caCertIdentifier,
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
      storageType: settings.auroraStorageType === "aurora-iopt1" ? "aurora-iopt1" : undefined,
      masterUsername: settings.masterUsername,
      dbClusterParameterGroupName: groups.cluster!.name,
      // Used during a major upgrade, so instances move to the new family's group at the same time.
      dbInstanceParameterGroupName: groups.instance.name,
      preferredBackupWindow: settings.backupWindow,
      preferredMaintenanceWindow: settings.maintenanceWindow,
      enabledCloudwatchLogsExports: LOG_EXPORTS.aurora,
    }),
  );
  const writerInstance = auroraInstance(ctx, `${name}-writer`, cluster, groups, monitoringRole, {
    instanceClass: settings.instanceClass,
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
  const { settings } = ctx;
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
        caCertIdentifier: settings.caCertIdentifier,
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        preferredMaintenanceWindow: settings.maintenanceWindow,
        ...instanceMonitoring(ctx, monitoringRole),
        tags: settings.base.tags,
      },
      opts,
    ),
  );
}

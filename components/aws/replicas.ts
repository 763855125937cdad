// Read replicas (RDS, same or another region) and Aurora reader instances. The guide: Visor itself always
// uses the writer; replicas serve reporting and are failover/DR targets.
import * as pulumi from "@pulumi/pulumi";
import type * as iam from "@pulumi/aws/iam";
import * as rds from "@pulumi/aws/rds";
import type { Endpoint } from "../shared/args";
import type { AwsBuild } from "./context";
import { auroraInstance, instanceMonitoring, type Writer } from "./database";
import { LOG_EXPORTS } from "./defaults";
import type { Network } from "./network";
import type { ParameterGroups } from "./parameters";

export interface Replicas {
  /** RDS read replicas. */
  replicas: rds.Instance[];
  /** Aurora reader instances. */
  readers: rds.ClusterInstance[];
  endpoints: pulumi.Output<Endpoint[]>;
}

export function createReplicas(
  ctx: AwsBuild,
  writer: Writer,
  network: Network,
  groups: ParameterGroups,
  monitoringRole: iam.Role | undefined,
): Replicas {
  const { settings, name } = ctx;
  if (settings.engine === "aurora") {
    const readers = settings.replicas.map((s) =>
      auroraInstance(ctx, `${name}-reader-${s.index}`, writer.cluster!, groups, monitoringRole, s, {
        dependsOn: [writer.writerInstance!],
      }),
    );
    // Aurora's reader endpoint balances over all readers; with none it would point at the writer.
    const endpoints = readers.length
      ? pulumi.all([writer.cluster!.readerEndpoint, writer.cluster!.port]).apply(([host, port]) => [{ host, port }])
      : pulumi.output([] as Endpoint[]);
    return { replicas: [], readers, endpoints };
  }

  const replicas = settings.replicas.map((s) => {
    const crossRegion = s.region !== undefined;
    // A parameter group is regional: a cross-region replica gets its own group of the writer's family.
    const parameterGroup = crossRegion ? groups.byRegion[s.region!]! : groups.instance;
    return new rds.Instance(
      `${name}-replica-${s.index}`,
      ...ctx.children.prepare("replica", {
        // Same region: the identifier; another region: the ARN (RDS's rule).
        replicateSourceDb: crossRegion ? writer.arn : writer.identifier,
        region: s.region,
        instanceClass: s.instanceClass,
        availabilityZone: s.availabilityZone,
        multiAz: s.multiAz,
        storageType: "gp3",
        maxAllocatedStorage: settings.maxAllocatedStorage,
        storageEncrypted: true,
        kmsKeyId: crossRegion ? s.kmsKeyId : undefined,
        dbSubnetGroupName: crossRegion ? s.subnetGroupName : undefined,
        vpcSecurityGroupIds: crossRegion ? s.securityGroupIds : [network.securityGroup.id],
        parameterGroupName: parameterGroup.name,
        publiclyAccessible: false,
        caCertIdentifier: settings.caCertIdentifier,
        iamDatabaseAuthenticationEnabled: true,
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        // RDS refuses a final snapshot of a replica: its data is the writer's, which keeps one.
        skipFinalSnapshot: true,
        deletionProtection: settings.base.deletionProtection,
        enabledCloudwatchLogsExports: LOG_EXPORTS.rds,
        ...instanceMonitoring(ctx, monitoringRole),
        // The writer's key lives in the writer's region.
        ...(crossRegion && settings.performanceInsights ? { performanceInsightsKmsKeyId: s.kmsKeyId } : {}),
        tags: settings.base.tags,
      }),
    );
  });
  const endpoints = pulumi.all(replicas.map((i) => pulumi.all([i.address, i.port]).apply(([host, port]) => ({ host, port }))));
  return { replicas, readers: [], endpoints };
}

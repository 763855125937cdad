// The guide's "Monitoring" on AWS: Performance Insights and pg_stat_statements (set on the instances and
// parameter group), enhanced monitoring through a role RDS assumes, and CloudWatch alarms for CPU, free
// storage (before storage autoscaling acts), freeable memory, connections against the usable
// max_connections (above a full pool) and replica lag.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import { assumeRolePolicy, partitionOf, type AwsBuild } from "./context";
import type { Writer } from "./database";
import type { Replicas } from "./replicas";

export function createMonitoringRole(ctx: AwsBuild): iam.Role | undefined {
  if (ctx.settings.monitoringInterval === 0) return undefined;
  const role = new iam.Role(
    `${ctx.name}-monitoring`,
    ...ctx.children.prepare("monitoringRole", {
      assumeRolePolicy: assumeRolePolicy("monitoring.rds.amazonaws.com"),
      description: `RDS enhanced monitoring for Visor database ${ctx.name}`,
      tags: ctx.settings.base.tags,
    }),
  );
  new iam.RolePolicyAttachment(
    `${ctx.name}-monitoring`,
    ...ctx.children.prepare("rolePolicyAttachment", {
      role: role.name,
      policyArn: `arn:${partitionOf(ctx.settings.stackRegion)}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    }),
  );
  return role;
}

interface AlarmSpec {
  suffix: string;
  metricName: string;
  description: string;
  comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  threshold: pulumi.Input<number>;
  statistic: "Average" | "Minimum" | "Maximum";
  dimensions: Record<string, pulumi.Input<string>>;
  evaluationPeriods?: number;
  region?: string;
}

export function createAlarms(ctx: AwsBuild, writer: Writer, replicas: Replicas): cloudwatch.MetricAlarm[] {
  const { settings, name } = ctx;
  const a = settings.alarms;
  if (!a) return [];
  const maxConnections = settings.base.tuning.maxConnections;
  const writerInstance = writer.instance;
  // Aurora publishes the writer's metrics under the cluster with Role=WRITER, whatever instance holds it.
  const writerDims: Record<string, pulumi.Input<string>> = settings.engine === "rds"
    ? { DBInstanceIdentifier: writer.identifier }
    : { DBClusterIdentifier: writer.identifier, Role: "WRITER" };
  const specs: AlarmSpec[] = [
    {
      suffix: "cpu",
      metricName: "CPUUtilization",
      description: `CPU above ${a.cpuPercent}% for 15 minutes`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: a.cpuPercent,
      statistic: "Average",
      dimensions: writerDims,
      evaluationPeriods: 3,
    },
    {
      suffix: "freeable-memory",
      metricName: "FreeableMemory",
      description: `freeable memory below ${a.freeableMemoryMiB} MiB`,
      comparisonOperator: "LessThanThreshold",
      threshold: a.freeableMemoryMiB * 1024 * 1024,
      statistic: "Minimum",
      dimensions: writerDims,
    },
    {
      suffix: "connections",
      metricName: "DatabaseConnections",
      description: `connections above ${a.connectionsThreshold} (${a.connectionsPercent}% of max_connections ${maxConnections} less the reserved)`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: a.connectionsThreshold,
      statistic: "Maximum",
      dimensions: writerDims,
    },
  ];
  if (settings.engine === "rds" && writerInstance) {
    // A share of the storage allocated now (the instance's refreshed size, which autoscaling grows), set
    // above the 10 % at which autoscaling acts: the alarm comes first, and after growth keeps its share.
    specs.push({
      suffix: "free-storage",
      metricName: "FreeStorageSpace",
      description: `free storage below ${a.freeStoragePercent}% of the allocated storage (autoscaling acts at 10%)`,
      comparisonOperator: "LessThanThreshold",
      threshold: writerInstance.allocatedStorage.apply((gib) =>
        Math.floor(((gib ?? settings.allocatedStorage) * 1024 ** 3 * a.freeStoragePercent) / 100),
      ),
      statistic: "Minimum",
      dimensions: writerDims,
    });
    settings.replicas.forEach((s, i) =>
      specs.push({
        suffix: `replica-${s.index}-lag`,
        metricName: "ReplicaLag",
        description: `replica ${s.index} more than ${a.replicaLagSeconds} s behind the writer`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: a.replicaLagSeconds,
        statistic: "Maximum",
        dimensions: { DBInstanceIdentifier: replicas.replicas[i]!.identifier },
        region: s.region,
      }),
    );
  } else if (settings.replicas.length) {
    specs.push({
      suffix: "replica-lag",
      metricName: "AuroraReplicaLagMaximum",
      description: `an Aurora reader more than ${a.replicaLagSeconds} s behind the writer`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: a.replicaLagSeconds * 1000,
      statistic: "Maximum",
      dimensions: writerDims,
    });
  }
  const actions = a.snsTopicArn ? [a.snsTopicArn] : [];
  return specs.map(
    (s) =>
      new cloudwatch.MetricAlarm(
        `${name}-${s.suffix}`,
        ...ctx.children.prepare("alarm", {
          namespace: "AWS/RDS",
          metricName: s.metricName,
          alarmDescription: `Visor database ${name}: ${s.description}`,
          comparisonOperator: s.comparisonOperator,
          threshold: s.threshold,
          statistic: s.statistic,
          period: 300,
          evaluationPeriods: s.evaluationPeriods ?? 1,
          dimensions: s.dimensions,
          treatMissingData: "missing",
          // An SNS topic is regional: cross-region replica alarms notify only if the user's topic is reachable there.
          alarmActions: s.region ? [] : actions,
          okActions: s.region ? [] : actions,
          region: s.region,
          tags: settings.base.tags,
        }),
      ),
  );
}

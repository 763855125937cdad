// The guide's "Monitoring" as Azure Monitor metric alerts: CPU, memory, storage, active connections
// (against the server's max_connections) and replication lag on each replica, to an optional action group.
// Azure's `active_connections` counts every connection to the server — idle ones, other databases and
// Azure's own agents too — so it is compared with max_connections, not with the `visor` database alone.
import * as monitor from "@pulumi/azure-native/monitor";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as pulumi from "@pulumi/pulumi";
import type { AzureBuild } from "./context";
import type { ResolvedAzure } from "./resolved";

const TARGET_TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";

export interface AlertSpec {
  key: string;
  description: string;
  metricName: string;
  aggregation: "Average" | "Maximum";
  threshold: number;
  severity: number;
  windowSize: string;
  evaluationFrequency: string;
}

/** The server's alerts (replica lag alerts are added per replica). */
export function serverAlertSpecs(a: Exclude<ResolvedAzure["alerts"], false>, maxConnections: number): AlertSpec[] {
  return [
    {
      key: "cpu",
      description: `CPU above ${a.cpuPercent}% for 15 minutes`,
      metricName: "cpu_percent",
      aggregation: "Average",
      threshold: a.cpuPercent,
      severity: 2,
      windowSize: "PT15M",
      evaluationFrequency: "PT5M",
    },
    {
      key: "memory",
      description: `Memory above ${a.memoryPercent}% for 15 minutes`,
      metricName: "memory_percent",
      aggregation: "Average",
      threshold: a.memoryPercent,
      severity: 2,
      windowSize: "PT15M",
      evaluationFrequency: "PT5M",
    },
    {
      key: "storage",
      description: `Storage above ${a.storagePercent}% used`,
      metricName: "storage_percent",
      aggregation: "Maximum",
      threshold: a.storagePercent,
      severity: 1,
      windowSize: "PT15M",
      evaluationFrequency: "PT5M",
    },
    {
      key: "connections",
      description: `Connections (all states, all databases) above ${a.connectionsPercent}% of max_connections (${maxConnections})`,
      metricName: "active_connections",
      aggregation: "Maximum",
      threshold: Math.floor((maxConnections * a.connectionsPercent) / 100),
      severity: 2,
      windowSize: "PT5M",
      evaluationFrequency: "PT1M",
    },
  ];
}

export function replicationLagSpec(a: Exclude<ResolvedAzure["alerts"], false>): AlertSpec {
  return {
    key: "replication-lag",
    description: `Replica more than ${a.replicationLagSeconds} s behind the primary`,
    metricName: "physical_replication_delay_in_seconds",
    aggregation: "Maximum",
    threshold: a.replicationLagSeconds,
    severity: 2,
    windowSize: "PT5M",
    evaluationFrequency: "PT1M",
  };
}

export function createAlert(
  ctx: AzureBuild,
  childName: string,
  target: dbforpostgresql.Server,
  spec: AlertSpec,
  actionGroupId: pulumi.Input<string> | undefined,
): monitor.MetricAlert {
  const resourceGroupName = ctx.settings.resourceGroupName;
  const tags = ctx.settings.base.tags;
  const [a, o] = ctx.children.prepare("alert", {
    resourceGroupName,
    location: "global",
    description: spec.description,
    enabled: true,
    autoMitigate: true,
    severity: spec.severity,
    scopes: [target.id],
    targetResourceType: TARGET_TYPE,
    windowSize: spec.windowSize,
    evaluationFrequency: spec.evaluationFrequency,
    criteria: {
      odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
      allOf: [
        {
          criterionType: "StaticThresholdCriterion",
          name: spec.key,
          metricName: spec.metricName,
          metricNamespace: TARGET_TYPE,
          operator: "GreaterThan",
          threshold: spec.threshold,
          timeAggregation: spec.aggregation,
        },
      ],
    },
    actions: actionGroupId === undefined ? [] : [{ actionGroupId }],
    tags,
  });
  return new monitor.MetricAlert(childName, a, o);
}

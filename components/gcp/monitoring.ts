// The guide's "Monitoring" as Cloud Monitoring alert policies: CPU, disk, connections (pg_stat_activity's count,
// against max_connections) and replica lag, to optional notification channels. Lock contention and slow queries
// are in Query Insights, which the instance turns on.
import * as pulumi from "@pulumi/pulumi";
import * as monitoring from "@pulumi/gcp/monitoring";
import type * as sql from "@pulumi/gcp/sql";
import type { GcpBuild } from "./context";
import type { ResolvedGcp } from "./resolved";

export interface AlertSpec {
  key: "cpu" | "disk" | "connections" | "replica-lag";
  title: string;
  metric: string;
  threshold: number;
  /** Per-database metric summed per instance. */
  sum?: boolean;
}

export function alertSpecs(settings: ResolvedGcp): AlertSpec[] {
  const m = settings.monitoring;
  const maxConnections = settings.base.tuning.maxConnections;
  const specs: AlertSpec[] = [
    {
      key: "cpu",
      title: "CPU utilisation",
      metric: "cloudsql.googleapis.com/database/cpu/utilization",
      threshold: m.cpuThreshold,
    },
    {
      key: "disk",
      title: "disk utilisation",
      metric: "cloudsql.googleapis.com/database/disk/utilization",
      threshold: m.diskThreshold,
    },
    {
      key: "connections",
      title: `connections above ${Math.round(m.connectionsThreshold * 100)}% of max_connections`,
      metric: "cloudsql.googleapis.com/database/postgresql/num_backends",
      threshold: Math.floor(maxConnections * m.connectionsThreshold),
      sum: true,
    },
  ];
  if (settings.replicas.length > 0) {
    specs.push({
      key: "replica-lag",
      title: "replica lag",
      metric: "cloudsql.googleapis.com/database/replication/replica_lag",
      threshold: m.replicaLagSeconds,
    });
  }
  return specs;
}

export function alertPolicies(
  ctx: GcpBuild,
  instances: { primary: sql.DatabaseInstance; replicas: sql.DatabaseInstance[] },
): monitoring.AlertPolicy[] {
  const { name, settings } = ctx;
  if (!settings.monitoring.enabled) return [];
  const all = [instances.primary, ...instances.replicas];
  // Cloud SQL's monitored resource labels the instance as "<project>:<instance>".
  const ids = pulumi.all(all.map((i) => pulumi.interpolate`${i.project}:${i.name}`));
  return alertSpecs(settings).map((spec) => {
    const watched =
      spec.key === "replica-lag" ? pulumi.all(instances.replicas.map((i) => pulumi.interpolate`${i.project}:${i.name}`)) : ids;
    const filter = watched.apply(
      (list) =>
        `resource.type = "cloudsql_database" AND metric.type = "${spec.metric}" AND ` +
        `(${list.map((id) => `resource.labels.database_id = "${id}"`).join(" OR ")})`,
    );
    const [args, opts] = ctx.children.prepare("alertPolicy", {
      project: settings.project,
      displayName: `${name}: Cloud SQL ${spec.title}`,
      combiner: "OR",
      severity: spec.key === "cpu" ? "WARNING" : "ERROR",
      notificationChannels: settings.monitoring.notificationChannels,
      userLabels: settings.base.tags,
      conditions: [
        {
          displayName: `${spec.metric.split("/").slice(-2).join("/")} > ${spec.threshold}`,
          conditionThreshold: {
            filter,
            comparison: "COMPARISON_GT",
            thresholdValue: spec.threshold,
            duration: `${settings.monitoring.durationSeconds}s`,
            aggregations: [
              spec.sum
                ? {
                    alignmentPeriod: "60s",
                    perSeriesAligner: "ALIGN_MEAN",
                    crossSeriesReducer: "REDUCE_SUM",
                    groupByFields: ["resource.labels.database_id"],
                  }
                : { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" },
            ],
            trigger: { count: 1 },
          },
        },
      ],
      documentation: {
        mimeType: "text/markdown",
        content: `Visor database ${name}: ${spec.title} crossed ${spec.threshold}. See the Visor database operations guide, "Monitoring" and "Troubleshooting".`,
      },
    });
    return new monitoring.AlertPolicy(`${name}-alert-${spec.key}`, args, opts);
  });
}

// The guide's "Monitoring" as Cloud Monitoring alert policies: CPU, disk, memory (Cloud SQL PostgreSQL's main
// failure mode), connections (pg_stat_activity's count, against the effective max_connections) and replica lag;
// with pooler "pgbouncer" also the PgBouncer VMs (group below its size, CPU). Lock contention and slow queries are
// in Query Insights, which the instance turns on.
import * as pulumi from "@pulumi/pulumi";
import * as monitoring from "@pulumi/gcp/monitoring";
import type * as sql from "@pulumi/gcp/sql";
import type { GcpBuild } from "./context";
import type { ResolvedGcp } from "./resolved";

export interface AlertSpec {
  key: "cpu" | "disk" | "memory" | "connections" | "replica-lag" | "pgbouncer-vms" | "pgbouncer-cpu";
  title: string;
  metric: string;
  threshold: number;
  /** Per-database metric summed per instance. */
  sum?: boolean;
  /** Default above the threshold. */
  below?: boolean;
}

export function alertSpecs(settings: ResolvedGcp): AlertSpec[] {
  const m = settings.monitoring;
  // The effective max_connections: a raw parameters.max_connections is folded in by validateBase.
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
      key: "memory",
      title: "memory utilisation",
      metric: "cloudsql.googleapis.com/database/memory/utilization",
      threshold: m.memoryThreshold,
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
  if (settings.pooler === "pgbouncer") {
    specs.push(
      {
        key: "pgbouncer-vms",
        title: `PgBouncer VMs below ${settings.pgbouncer.instances}`,
        metric: "compute.googleapis.com/instance_group/size",
        threshold: settings.pgbouncer.instances,
        below: true,
      },
      {
        key: "pgbouncer-cpu",
        title: "PgBouncer VM CPU utilisation",
        metric: "compute.googleapis.com/instance/cpu/utilization",
        threshold: m.cpuThreshold,
      },
    );
  }
  return specs;
}

/** What each alert watches: the Cloud SQL instances, or the PgBouncer group and its VMs. */
export interface Watched {
  primary: sql.DatabaseInstance;
  replicas: sql.DatabaseInstance[];
  /** The PgBouncer group's name and its VMs' name prefix (pooler "pgbouncer"). */
  pgbouncer?: { groupName: pulumi.Input<string>; vmPrefix: string };
}

function filterFor(spec: AlertSpec, w: Watched): pulumi.Output<string> {
  const metric = `metric.type = "${spec.metric}"`;
  if (spec.key === "pgbouncer-vms")
    return pulumi.interpolate`resource.type = "instance_group" AND ${metric} AND resource.labels.instance_group_name = "${w.pgbouncer!.groupName}"`;
  if (spec.key === "pgbouncer-cpu")
    return pulumi.output(
      `resource.type = "gce_instance" AND ${metric} AND metric.labels.instance_name = starts_with("${w.pgbouncer!.vmPrefix}")`,
    );
  // Cloud SQL's monitored resource labels the instance as "<project>:<instance>".
  const instances = spec.key === "replica-lag" ? w.replicas : [w.primary, ...w.replicas];
  return pulumi
    .all(instances.map((i) => pulumi.interpolate`${i.project}:${i.name}`))
    .apply(
      (ids) =>
        `resource.type = "cloudsql_database" AND ${metric} AND (${ids.map((id) => `resource.labels.database_id = "${id}"`).join(" OR ")})`,
    );
}

export function alertPolicies(ctx: GcpBuild, watched: Watched): monitoring.AlertPolicy[] {
  const { name, settings } = ctx;
  if (!settings.monitoring.enabled) return [];
  return alertSpecs(settings).map((spec) => {
    const [args, opts] = ctx.children.prepare("alertPolicy", {
      project: settings.project,
      displayName: `${name}: ${spec.key.startsWith("pgbouncer") ? "" : "Cloud SQL "}${spec.title}`,
      combiner: "OR",
      severity: spec.key === "cpu" || spec.key === "pgbouncer-cpu" ? "WARNING" : "ERROR",
      notificationChannels: settings.monitoring.notificationChannels,
      userLabels: settings.base.tags,
      conditions: [
        {
          displayName: `${spec.metric.split("/").slice(-2).join("/")} ${spec.below ? "<" : ">"} ${spec.threshold}`,
          conditionThreshold: {
            filter: filterFor(spec, watched),
            comparison: spec.below ? "COMPARISON_LT" : "COMPARISON_GT",
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

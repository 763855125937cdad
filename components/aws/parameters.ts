// The guide's "Performance Tuning" as RDS parameter groups, in RDS units (8 kB pages, kB), plus
// pg_stat_statements and rds.force_ssl, with the user's raw parameters merged last. Groups are created
// with a name prefix: a new major (new family) creates a new group before the old one is deleted, so the
// instance can switch groups during the upgrade instead of blocking on a group still in use.
import * as rds from "@pulumi/aws/rds";
import { child, type ChildContext } from "./context";
import type { ResolvedAws } from "./validate";

/** Parameters that take effect only after a reboot. Anything not known dynamic is treated as static. */
const DYNAMIC = new Set([
  "effective_cache_size",
  "work_mem",
  "maintenance_work_mem",
  "checkpoint_completion_target",
  "rds.force_ssl",
]);
/** Aurora keeps these at the cluster level; everything else goes on the instance parameter group. */
const AURORA_CLUSTER_LEVEL = new Set([
  "rds.force_ssl",
  "shared_preload_libraries",
  "timezone",
  "rds.logical_replication",
  "ssl_min_protocol_version",
  "password_encryption",
]);
/** Aurora storage has no checkpoints or WAL buffers of its own. */
const NOT_ON_AURORA = new Set(["wal_buffers", "checkpoint_completion_target"]);

export interface ParameterValue {
  name: string;
  value: string;
  applyMethod: "immediate" | "pending-reboot";
}

const sorted = (m: Record<string, string>): ParameterValue[] =>
  Object.keys(m)
    .sort()
    .map((name) => ({ name, value: m[name]!, applyMethod: DYNAMIC.has(name) ? "immediate" : "pending-reboot" }));

/** The parameters each group gets: `instance` always, `cluster` for Aurora. Pure: no resources. */
export function awsParameters(r: ResolvedAws): { instance: ParameterValue[]; cluster: ParameterValue[] } {
  const all: Record<string, string> = {
    ...r.base.tuning,
    shared_preload_libraries: "pg_stat_statements",
    "rds.force_ssl": "1",
    ...r.parameters,
  };
  if (r.engine === "rds") return { instance: sorted(all), cluster: [] };
  const instance: Record<string, string> = {};
  const cluster: Record<string, string> = {};
  for (const [k, val] of Object.entries(all)) {
    if (NOT_ON_AURORA.has(k) && !(k in r.parameters)) continue;
    (AURORA_CLUSTER_LEVEL.has(k) ? cluster : instance)[k] = val;
  }
  return { instance: sorted(instance), cluster: sorted(cluster) };
}

export interface ParameterGroups {
  /** Writer (and same-region replicas / Aurora instances). */
  instance: rds.ParameterGroup;
  cluster?: rds.ClusterParameterGroup;
  /** One per cross-region replica region: a parameter group is regional. */
  byRegion: Record<string, rds.ParameterGroup>;
}

export function createParameterGroups(ctx: ChildContext): ParameterGroups {
  const { r } = ctx;
  const params = awsParameters(r);
  const description = `Visor (operations guide tuning) ${r.family}`;
  // Pulumi replaces create-before-delete by default; the prefix gives the new group a free name.
  const namePrefix = `visor-${r.family}-`;
  const group = (name: string, region?: string) =>
    new rds.ParameterGroup(
      name,
      ...child(ctx, "parameterGroup", {
        namePrefix,
        family: r.family,
        description,
        parameters: params.instance,
        region,
        tags: r.base.tags,
      }),
    );
  const instance = group(`${ctx.name}-params`);
  const cluster =
    r.engine === "aurora"
      ? new rds.ClusterParameterGroup(
          `${ctx.name}-cluster-params`,
          ...child(ctx, "clusterParameterGroup", {
            namePrefix,
            family: r.family,
            description,
            parameters: params.cluster,
            tags: r.base.tags,
          }),
        )
      : undefined;
  const byRegion: Record<string, rds.ParameterGroup> = {};
  for (const replica of r.replicas) {
    if (replica.region && !byRegion[replica.region])
      byRegion[replica.region] = group(`${ctx.name}-params-${replica.region}`, replica.region);
  }
  return { instance, cluster, byRegion };
}

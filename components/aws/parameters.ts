// The guide's "Performance Tuning" as RDS parameter groups, in RDS units (8 kB pages, kB), plus
// pg_stat_statements and rds.force_ssl, with the user's raw parameters merged last. Static parameters are
// sent `pending-reboot`, the rest `immediate` (or as the user chose). Groups are created
// with a name prefix: a new major (new family) creates a new group before the old one is deleted, so the
// instance can switch groups during the upgrade instead of blocking on a group still in use.
import * as rds from "@pulumi/aws/rds";
import type { AwsBuild } from "./context";
import { postgresParameters } from "../shared/tuning";
import { defaultApplyMethod } from "./apply-method";
import { AURORA_CLUSTER_LEVEL, TUNING_NOT_ON } from "./defaults";
import type { ResolvedAws } from "./resolved";

export interface ParameterValue {
  name: string;
  value: string;
  applyMethod: "immediate" | "pending-reboot";
}

/** The parameters each group gets: `instance` always, `cluster` for Aurora. Pure: no resources. */
export function awsParameters(settings: ResolvedAws): { instance: ParameterValue[]; cluster: ParameterValue[] } {
  const sorted = (m: Record<string, string>): ParameterValue[] =>
    Object.keys(m)
      .sort()
      .map((name) => ({
        name,
        value: m[name]!,
        applyMethod: settings.parameterApplyMethods[name] ?? defaultApplyMethod(name),
      }));
  // The last step of the tuning model: numbers to RDS's units, without what the engine lacks or sizes itself.
  const omit = [...TUNING_NOT_ON[settings.engine], ...settings.base.tuningLeftToCloud];
  const all: Record<string, string> = {
    ...postgresParameters(settings.base.tuning, omit),
    shared_preload_libraries: "pg_stat_statements",
    "rds.force_ssl": "1",
    ...settings.base.parameters,
  };
  if (settings.engine === "rds") return { instance: sorted(all), cluster: [] };
  const instance: Record<string, string> = {};
  const cluster: Record<string, string> = {};
  for (const [parameter, value] of Object.entries(all))
    (AURORA_CLUSTER_LEVEL.has(parameter) ? cluster : instance)[parameter] = value;
  return { instance: sorted(instance), cluster: sorted(cluster) };
}

export interface ParameterGroups {
  /** Writer (and same-region replicas / Aurora instances). */
  instance: rds.ParameterGroup;
  cluster?: rds.ClusterParameterGroup;
  /** One per cross-region replica region: a parameter group is regional. */
  byRegion: Record<string, rds.ParameterGroup>;
}

export function createParameterGroups(ctx: AwsBuild): ParameterGroups {
  const { settings } = ctx;
  const params = awsParameters(settings);
  const description = `Visor (operations guide tuning) ${settings.family}`;
  // Pulumi replaces create-before-delete by default; the prefix gives the new group a free name.
  const namePrefix = `visor-${settings.family}-`;
  const group = (name: string, region?: string) =>
    new rds.ParameterGroup(
      name,
      ...ctx.children.prepare("parameterGroup", {
        namePrefix,
        family: settings.family,
        description,
        parameters: params.instance,
        region,
        tags: settings.base.tags,
      }),
    );
  const instance = group(`${ctx.name}-params`);
  const cluster =
    settings.engine === "aurora"
      ? new rds.ClusterParameterGroup(
          `${ctx.name}-cluster-params`,
          ...ctx.children.prepare("clusterParameterGroup", {
            namePrefix,
            family: settings.family,
            description,
            parameters: params.cluster,
            tags: settings.base.tags,
          }),
        )
      : undefined;
  const byRegion: Record<string, rds.ParameterGroup> = {};
  for (const replica of settings.replicas) {
    if (replica.region && !byRegion[replica.region])
      byRegion[replica.region] = group(`${ctx.name}-params-${replica.region}`, replica.region);
  }
  return { instance, cluster, byRegion };
}

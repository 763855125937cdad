// The parts of GcpVisorDatabase's validation with a shape of their own: tiers, replicas, the PgBouncer VMs
// and the alerts. Rules shared with other clouds come from ../shared/rules.
import type { ResolvedBase } from "../shared/base-validation";
import {
  bootstrapConnections,
  optIn,
  replicaSpecs,
  requireBoundedCidr,
  requireKeyInRegion,
  requirePinnedImage,
  requirePoolerCapacity,
} from "../shared/rules";
import type { Validator } from "../shared/validation";
import type { GcpAlertSettings, GcpEdition, GcpPgBouncerArgs, GcpPooler, GcpReplicaSpec, GcpVisorDatabaseArgs } from "./args";
import { DEFAULT_PGBOUNCER_IMAGE, MAX_REPLICAS, RFC1918 } from "./defaults";
import type { ResolvedGcp, ResolvedReplica } from "./resolved";
import { DISK_TYPES, managedPoolers, resolveTier, type TierInfo } from "./tiers";

export const REGION = /^[a-z]+-[a-z]+\d+$/;

/** How a Cloud KMS key in `region` is written, for messages. */
export const cmekExample = (region: string) => `projects/…/locations/${region}/keyRings/…/cryptoKeys/…`;

export function resolveReplicas(
  check: Validator,
  args: GcpVisorDatabaseArgs,
  region: string,
  primary: TierInfo,
  edition: GcpEdition,
  key?: string,
): ResolvedReplica[] {
  const specs = replicaSpecs<GcpReplicaSpec>(check, args.replicas, MAX_REPLICAS);
  return specs.map((s, i) => {
    const f = (k: string) => `replicas[${i}].${k}`;
    const rRegion = s.region ?? region;
    check.require(REGION.test(rRegion), f("region"), 'a Google Cloud region such as "europe-west1"', s.region);
    const tierInfo = s.tier === undefined ? primary : resolveTier(check, edition, s.tier, f("tier"));
    // Replicas share the primary's disk settings, so their series must take the same disk types.
    check.require(
      DISK_TYPES[tierInfo.series].join() === DISK_TYPES[primary.series].join(),
      f("tier"),
      `a tier whose series takes the primary's disk type (${DISK_TYPES[primary.series].join(" or ")})`,
      s.tier,
    );
    const availabilityType = check.oneOf(f("availabilityType"), s.availabilityType, ["ZONAL", "REGIONAL"] as const, "ZONAL");
    let encryptionKeyName = s.encryptionKeyName;
    if (encryptionKeyName !== undefined) {
      requireKeyInRegion(check, f("encryptionKeyName"), encryptionKeyName, rRegion, cmekExample(rRegion));
    } else if (key !== undefined) {
      // A key is regional: a cross-region replica of a CMEK primary needs its own key in its region.
      check.require(
        rRegion === region,
        f("encryptionKeyName"),
        `a Cloud KMS key in ${rRegion} (the primary uses CMEK and this replica is cross-region)`,
        undefined,
      );
      encryptionKeyName = key;
    }
    return { region: rRegion, tier: tierInfo.tier, tierInfo, availabilityType, encryptionKeyName };
  });
}

/** `poolerSettings` (or its old name `pgbouncer`): the PgBouncer VMs of `pooler: "pgbouncer"`. */
export function resolvePgBouncer(
  check: Validator,
  args: GcpVisorDatabaseArgs,
  pooler: GcpPooler,
  base: ResolvedBase,
): ResolvedGcp["pgbouncer"] {
  check.require(
    args.poolerSettings === undefined || args.pgbouncer === undefined,
    "pgbouncer",
    "unset when poolerSettings is set (pgbouncer is its old name)",
    "[set]",
  );
  const field = args.poolerSettings === undefined && args.pgbouncer !== undefined ? "pgbouncer" : "poolerSettings";
  const given = args.poolerSettings ?? args.pgbouncer;
  const settings: GcpPgBouncerArgs = given ?? {};
  check.require(pooler === "pgbouncer" || given === undefined, field, 'unset unless pooler is "pgbouncer"', pooler);
  if (pooler === "pgbouncer")
    check.require(
      settings.subnetwork !== undefined && settings.subnetwork !== "",
      `${field}.subnetwork`,
      'the subnetwork for the PgBouncer VMs and load balancer (required with pooler "pgbouncer")',
      settings.subnetwork,
    );
  const allowedSourceRanges = settings.allowedSourceRanges ?? RFC1918;
  allowedSourceRanges.forEach((cidr, index) => requireBoundedCidr(check, `${field}.allowedSourceRanges[${index}]`, cidr));
  const runAs = settings.runAs ?? "70:70";
  check.require(
    /^[1-9]\d*:[1-9]\d*$/.test(runAs),
    `${field}.runAs`,
    'a non-root "uid:gid" (PgBouncer refuses to run as root)',
    settings.runAs,
  );
  const instances = check.int(`${field}.instances`, settings.instances, 1, 10, 2);
  const image = requirePinnedImage(
    check,
    `${field}.image`,
    check.nonEmpty(`${field}.image`, settings.image, DEFAULT_PGBOUNCER_IMAGE),
  );
  // Each VM's PgBouncer opens up to default_pool_size server connections: all must fit under the effective
  // max_connections (a raw parameters.max_connections included, see validateBase).
  if (pooler === "pgbouncer")
    requirePoolerCapacity(check, {
      count: instances,
      what: "PgBouncer VMs",
      poolSize: base.pool.defaultPoolSize,
      maxConnections: base.tuning.maxConnections,
      bootstrapConnections: bootstrapConnections(base.bootstrap),
    });
  return {
    subnetwork: settings.subnetwork,
    instances,
    machineType: check.nonEmpty(`${field}.machineType`, settings.machineType, "e2-small"),
    image,
    runAs,
    osImage: check.nonEmpty(`${field}.osImage`, settings.osImage, "cos-cloud/cos-stable"),
    allowedSourceRanges,
  };
}

/** Managed pooling: one pooler per four vCPUs (at least one), each with up to max_pool_size server connections. */
export function requireManagedPoolCapacity(check: Validator, base: ResolvedBase, tier: TierInfo): void {
  requirePoolerCapacity(check, {
    count: managedPoolers(tier),
    what: `managed poolers (${tier.vcpus} vCPU / 4)`,
    poolSize: base.pool.defaultPoolSize,
    maxConnections: base.tuning.maxConnections,
    bootstrapConnections: bootstrapConnections(base.bootstrap),
  });
}

/** `alerts` in percent, like every cloud (or its old name `monitoring`, in fractions 0–1). */
export function resolveAlerts(check: Validator, args: GcpVisorDatabaseArgs, maxConnections: number): ResolvedGcp["monitoring"] {
  check.require(
    args.alerts === undefined || args.monitoring === undefined,
    "monitoring",
    "unset when alerts is set (monitoring is its old name)",
    "[set]",
  );
  let monitoring: ResolvedGcp["monitoring"];
  let connectionsField = "alerts.connectionsPercent";
  if (args.monitoring !== undefined) {
    const m = args.monitoring;
    connectionsField = "monitoring.connectionsThreshold";
    monitoring = {
      enabled: check.bool("monitoring.enabled", m.enabled, true),
      notificationChannels: m.notificationChannels ?? [],
      cpuThreshold: check.number("monitoring.cpuThreshold", m.cpuThreshold, 0.01, 1, 0.8),
      diskThreshold: check.number("monitoring.diskThreshold", m.diskThreshold, 0.01, 1, 0.8),
      memoryThreshold: 0.9,
      connectionsThreshold: check.number("monitoring.connectionsThreshold", m.connectionsThreshold, 0.01, 1, 0.8),
      replicaLagSeconds: check.int("monitoring.replicaLagSeconds", m.replicaLagSeconds, 1, 86_400, 30),
      durationSeconds: check.int("monitoring.durationSeconds", m.durationSeconds, 0, 86_400, 300),
    };
  } else {
    const alerts = optIn<GcpAlertSettings>(check, "alerts", args.alerts);
    const a: GcpAlertSettings = alerts || {};
    monitoring = {
      enabled: alerts !== false,
      notificationChannels: a.notificationChannels ?? [],
      cpuThreshold: check.int("alerts.cpuPercent", a.cpuPercent, 1, 100, 80) / 100,
      diskThreshold: check.int("alerts.diskPercent", a.diskPercent, 1, 100, 80) / 100,
      memoryThreshold: check.int("alerts.memoryPercent", a.memoryPercent, 1, 100, 90) / 100,
      connectionsThreshold: check.int("alerts.connectionsPercent", a.connectionsPercent, 1, 100, 80) / 100,
      replicaLagSeconds: check.int("alerts.replicaLagSeconds", a.replicaLagSeconds, 1, 86_400, 30),
      durationSeconds: check.int("alerts.durationSeconds", a.durationSeconds, 0, 86_400, 300),
    };
  }
  check.require(
    Math.floor(maxConnections * monitoring.connectionsThreshold) >= 1,
    connectionsField,
    `a share of max_connections (${maxConnections}) of at least one connection`,
    monitoring.connectionsThreshold,
  );
  return monitoring;
}

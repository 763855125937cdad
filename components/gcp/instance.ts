// The Cloud SQL primary: HA, private IP only, TLS enforced, the guide's backups and flags, Query Insights,
// maintenance on the stable track, and both deletion protections.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as sql from "@pulumi/gcp/sql";
import type * as inputs from "@pulumi/gcp/types/input";
import { backupSettings } from "./backups";
import type { PrivateServiceAccess } from "./network";
import { databaseFlags } from "./parameters";
import type { GcpBuild } from "./context";
import type { ResolvedGcp } from "./resolved";

/**
 * Cloud SQL instance names: lower-case, from the component name, plus a random suffix. A deleted instance's name
 * cannot be reused for about a week, so the suffix is re-drawn whenever the instance would be replaced (its keepers
 * are the inputs that force replacement) and the replacement never collides with its predecessor.
 */
export function instanceName(ctx: GcpBuild, role: string, keepers: Record<string, pulumi.Input<string>>): pulumi.Output<string> {
  const { name } = ctx;
  const [args, opts] = ctx.children.prepare("instanceNameSuffix", { byteLength: 3, keepers });
  const suffix = new random.RandomId(`${name}-${role}-name-suffix`, args, opts);
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return pulumi.interpolate`${stem || "visor"}-${role}-${suffix.hex}`;
}

export function ipConfiguration(r: ResolvedGcp, psa: PrivateServiceAccess): inputs.sql.DatabaseInstanceSettingsIpConfiguration {
  return {
    ipv4Enabled: r.publicIp,
    privateNetwork: r.network,
    allocatedIpRange: psa.allocatedIpRange,
    authorizedNetworks: r.authorizedNetworks.map((n) => ({ name: n.name, value: n.cidr })),
    sslMode: r.sslMode,
    serverCaMode: r.serverCaMode,
  };
}

/** Settings a replica shares with the primary. */
export function commonSettings(r: ResolvedGcp, psa: PrivateServiceAccess): Partial<inputs.sql.DatabaseInstanceSettings> {
  return {
    edition: r.edition,
    diskType: r.diskType,
    diskAutoresize: true,
    diskAutoresizeLimit: r.diskAutoresizeLimitGb,
    ipConfiguration: ipConfiguration(r, psa),
    databaseFlags: databaseFlags(r),
    deletionProtectionEnabled: r.base.deletionProtection,
    insightsConfig: {
      queryInsightsEnabled: r.queryInsights,
      recordApplicationTags: r.queryInsights,
      recordClientAddress: r.queryInsights,
      queryStringLength: 1024,
      queryPlansPerMinute: r.queryInsights ? 5 : 0,
    },
    userLabels: r.base.tags,
  };
}

export function primaryInstance(ctx: GcpBuild, psa: PrivateServiceAccess): sql.DatabaseInstance {
  const { name, settings: r } = ctx;
  const [args, opts] = ctx.children.prepare(
    "instance",
    {
      name: instanceName(ctx, "primary", { region: r.region, encryptionKeyName: r.encryptionKeyName ?? "" }),
      project: r.project,
      region: r.region,
      databaseVersion: r.databaseVersion,
      encryptionKeyName: r.encryptionKeyName,
      // Pulumi-side guard: `pulumi destroy`/replacement fails while true.
      deletionProtection: r.base.deletionProtection,
      settings: {
        ...commonSettings(r, psa),
        tier: r.tier,
        availabilityType: r.availabilityType,
        diskSize: r.diskSizeGb,
        ...backupSettings(r),
        connectionPoolConfigs: r.pooler === "managed" ? [managedPoolConfig(r)] : undefined,
        maintenanceWindow: { day: r.maintenanceWindow.day, hour: r.maintenanceWindow.hour, updateTrack: "stable" },
      },
    },
    {
      // The provider's ordering trap: the instance only names the network, not the peering, so wait for it explicitly.
      dependsOn: [psa.dependency],
      // Autoresize grows the disk; a smaller configured size must not try to shrink (replace) the instance.
      ignoreChanges: ["settings.diskSize"],
    },
  );
  return new sql.DatabaseInstance(`${name}-primary`, args, opts);
}

/**
 * Cloud SQL Managed Connection Pooling (Enterprise Plus): the guide's PgBouncer settings — transaction pooling, pool
 * size per user/database, client limit — as pool flags. Clients use port 6432 on the instance's IP.
 */
export function managedPoolConfig(r: ResolvedGcp): inputs.sql.DatabaseInstanceSettingsConnectionPoolConfig {
  const pool = r.base.pool;
  return {
    connectionPoolingEnabled: true,
    flags: [
      { name: "pool_mode", value: "transaction" },
      { name: "max_pool_size", value: String(pool.defaultPoolSize) },
      { name: "min_pool_size", value: String(pool.minPoolSize) },
      { name: "max_client_connections", value: String(pool.maxClientConn) },
    ],
  };
}

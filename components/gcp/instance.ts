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

export function ipConfiguration(
  settings: ResolvedGcp,
  psa: PrivateServiceAccess,
): inputs.sql.DatabaseInstanceSettingsIpConfiguration {
  return {
    ipv4Enabled: settings.publicIp,
    privateNetwork: settings.network,
    allocatedIpRange: psa.allocatedIpRange,
    authorizedNetworks: settings.authorizedNetworks.map((n) => ({ name: n.name, value: n.cidr })),
    sslMode: settings.sslMode,
    serverCaMode: settings.serverCaMode,
  };
}

/** Settings a replica shares with the primary. */
export function commonSettings(settings: ResolvedGcp, psa: PrivateServiceAccess): Partial<inputs.sql.DatabaseInstanceSettings> {
  return {
    edition: settings.edition,
    diskType: settings.diskType,
    diskAutoresize: true,
    diskAutoresizeLimit: settings.diskAutoresizeLimitGb,
    ipConfiguration: ipConfiguration(settings, psa),
    databaseFlags: databaseFlags(settings),
    deletionProtectionEnabled: settings.base.deletionProtection,
    insightsConfig: {
      queryInsightsEnabled: settings.queryInsights,
      recordApplicationTags: settings.queryInsights,
      recordClientAddress: settings.queryInsights,
      queryStringLength: 1024,
      queryPlansPerMinute: settings.queryInsights ? 5 : 0,
    },
    userLabels: settings.base.tags,
  };
}

export function primaryInstance(ctx: GcpBuild, psa: PrivateServiceAccess): sql.DatabaseInstance {
  const { name, settings } = ctx;
  const [args, opts] = ctx.children.prepare(
    "instance",
    {
      name: instanceName(ctx, "primary", { region: settings.region, encryptionKeyName: settings.encryptionKeyName ?? "" }),
      project: settings.project,
      region: settings.region,
      databaseVersion: settings.databaseVersion,
      encryptionKeyName: settings.encryptionKeyName,
      // Pulumi-side guard: `pulumi destroy`/replacement fails while true.
      deletionProtection: settings.base.deletionProtection,
      settings: {
        ...commonSettings(settings, psa),
        tier: settings.tier,
        availabilityType: settings.availabilityType,
        diskSize: settings.diskSizeGb,
        ...backupSettings(settings),
        connectionPoolConfigs: settings.pooler === "managed" ? [managedPoolConfig(settings)] : undefined,
        maintenanceWindow: { day: settings.maintenanceWindow.day, hour: settings.maintenanceWindow.hour, updateTrack: "stable" },
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
export function managedPoolConfig(settings: ResolvedGcp): inputs.sql.DatabaseInstanceSettingsConnectionPoolConfig {
  const pool = settings.base.pool;
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

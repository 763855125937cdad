// Every argument checked before a single child is registered, so `pulumi preview` fails fast with one
// message naming the field and what is allowed — including the Azure rules that otherwise fail only at
// deploy time (Burstable has no HA and no built-in PgBouncer, replicas need General Purpose, …).
import { validateBase } from "../shared/base-validation";
import { bootstrapConnections, optIn, requireDistinctAdmin, requirePoolerCapacity } from "../shared/rules";
import { Validator } from "../shared/validation";
import type { AzureAlerts, AzureLongTermRetention, AzureVisorDatabaseArgs } from "./args";
import {
  AZURE_LIMITS,
  AZURE_PG_VERSIONS,
  AZURE_STORAGE_SIZES_GB,
  COMPONENT,
  DEFAULT_PG_VERSION,
  DEFAULT_RETENTION_DAYS,
  HA_MODES,
  MAX_RETENTION_DAYS,
  OWNED_PARAMETERS,
  RESERVED_LOGINS,
  SERVER_NAME,
} from "./defaults";
import type { ResolvedAzure } from "./resolved";
import { resolveRunner } from "./runner-settings";
import { azureTuningBasis } from "./skus";
import { isString, resolveNetwork, resolveReplicas } from "./validate-options";
import { maxConnectionsFloor, resolveSku } from "./validate-sizing";

export function validateAzureArgs(args: AzureVisorDatabaseArgs): ResolvedAzure {
  const check = new Validator(COMPONENT);
  if (!args || typeof args !== "object") check.fail("args", "an object", args);
  check.require(
    args.resourceGroupName !== undefined && args.resourceGroupName !== "",
    "resourceGroupName",
    "a resource group name",
    args.resourceGroupName,
  );
  check.require(
    args.location !== undefined && args.location !== "",
    "location",
    'an Azure region such as "westeurope"',
    args.location,
  );

  // The SKU and the replicas first: the tuning defaults are sized from the SKU's memory, and replicas
  // set a floor under max_connections.
  const sku = resolveSku(check, args);
  const { skuTier, skuName, compute } = sku;
  const network = resolveNetwork(check, args);
  const { replicas, virtualEndpointName } = resolveReplicas(check, args, { ...sku, publicAccess: network.publicAccess });
  const floor = maxConnectionsFloor(check, args, sku, replicas.length);

  // Azure keeps PITR 7–35 days (its default 7); ours is 30, the guide's daily/30-day tier.
  const base = validateBase(
    check,
    { ...args, retentionDays: args.retentionDays ?? DEFAULT_RETENTION_DAYS },
    { maxRetentionDays: MAX_RETENTION_DAYS, tuningBasis: azureTuningBasis(compute, floor) },
  );

  const version = check.oneOf(
    "engineVersion",
    args.engineVersion as (typeof AZURE_PG_VERSIONS)[number] | undefined,
    AZURE_PG_VERSIONS,
    DEFAULT_PG_VERSION,
  );

  const storageSizeGb = args.storageSizeGb ?? 128;
  check.require(
    (AZURE_STORAGE_SIZES_GB as readonly number[]).includes(storageSizeGb),
    "storageSizeGb",
    `one of ${AZURE_STORAGE_SIZES_GB.join(", ")} (GiB)`,
    args.storageSizeGb,
  );
  const storageAutoGrow = check.bool("storageAutoGrow", args.storageAutoGrow, true);

  const highAvailability = check.oneOf("highAvailability", args.highAvailability, HA_MODES, "ZoneRedundant");
  const pgbouncer = resolvePooler(check, args);
  if (skuTier === "Burstable") {
    // Say it here, not as an ARM error twenty minutes into `pulumi up`.
    check.require(
      highAvailability === "Disabled",
      "highAvailability",
      '"Disabled" with skuTier "Burstable" (Azure offers no high availability on Burstable; choose "GeneralPurpose" for HA)',
      args.highAvailability ?? "ZoneRedundant (default)",
    );
    check.require(
      !pgbouncer,
      args.pooler !== undefined || args.pgbouncer === undefined ? "pooler" : "pgbouncer",
      `${args.pooler !== undefined || args.pgbouncer === undefined ? '"none"' : "false"} with skuTier "Burstable" (Azure's built-in PgBouncer is not available on Burstable; choose "GeneralPurpose")`,
      args.pooler ?? args.pgbouncer ?? "pgbouncer (default)",
    );
  }
  if (highAvailability === "ZoneRedundant" && args.standbyAvailabilityZone !== undefined) {
    check.require(
      args.standbyAvailabilityZone !== args.availabilityZone,
      "standbyAvailabilityZone",
      'a zone other than availabilityZone with highAvailability "ZoneRedundant"',
      args.standbyAvailabilityZone,
    );
  }
  check.require(
    highAvailability !== "Disabled" || args.standbyAvailabilityZone === undefined,
    "standbyAvailabilityZone",
    'omitted when highAvailability is "Disabled"',
    args.standbyAvailabilityZone,
  );
  // Azure's own PgBouncer ranges, narrower than the shared ones.
  if (pgbouncer) {
    check.require(
      base.pool.defaultPoolSize <= AZURE_LIMITS.maxDefaultPoolSize,
      "pool.defaultPoolSize",
      "at most 4950 (Azure's pgbouncer.default_pool_size limit)",
      base.pool.defaultPoolSize,
    );
    requirePoolerCapacity(check, {
      count: 1,
      what: "built-in PgBouncer",
      poolSize: base.pool.defaultPoolSize,
      maxConnections: base.tuning.maxConnections,
      bootstrapConnections: bootstrapConnections(base.bootstrap),
    });
    check.require(
      base.pool.maxClientConn <= AZURE_LIMITS.maxClientConn,
      "pool.maxClientConn",
      "at most 50000 (Azure's pgbouncer.max_client_conn limit)",
      base.pool.maxClientConn,
    );
  }

  if (args.serverName !== undefined)
    check.require(
      isString(args.serverName) && SERVER_NAME.test(args.serverName),
      "serverName",
      "3–63 characters: a-z, 0-9 and -, not starting or ending with -",
      args.serverName,
    );
  const administratorLogin = check.nonEmpty("administratorLogin", args.administratorLogin, "visoradmin");
  check.require(
    /^[a-z_][a-z0-9_]{0,62}$/i.test(administratorLogin) &&
      !/^pg_/i.test(administratorLogin) &&
      !RESERVED_LOGINS.includes(administratorLogin.toLowerCase()),
    "administratorLogin",
    `a PostgreSQL identifier that is not reserved by Azure (${RESERVED_LOGINS.join(", ")}, pg_*)`,
    administratorLogin,
  );
  requireDistinctAdmin(check, "administratorLogin", administratorLogin, base.appUser);

  // Backups.
  const geoRedundantBackup = check.bool("geoRedundantBackup", args.geoRedundantBackup, true);
  const allowGeoBackupReplace = check.bool("allowGeoBackupReplace", args.allowGeoBackupReplace, false);
  // A replace is a new, empty server; the deletion lock would stop it half-way, so ask for both.
  check.require(
    !allowGeoBackupReplace || !base.deletionProtection,
    "allowGeoBackupReplace",
    "used with deletionProtection: false (changing geoRedundantBackup replaces the server: a new, empty server)",
    allowGeoBackupReplace,
  );
  let longTermRetention: ResolvedAzure["longTermRetention"] = false;
  const l = optIn<AzureLongTermRetention>(check, "longTermRetention", args.longTermRetention);
  if (l) {
    const start = l.scheduleStartUtc ?? "2024-01-07T02:00:00+00:00";
    check.require(
      isString(start) && !Number.isNaN(Date.parse(start)) && /T\d\d:\d\d/.test(start),
      "longTermRetention.scheduleStartUtc",
      'an ISO 8601 date-time such as "2024-01-07T02:00:00+00:00"',
      l.scheduleStartUtc,
    );
    const vaultRedundancy = check.oneOf(
      "longTermRetention.vaultRedundancy",
      l.vaultRedundancy,
      ["GeoRedundant", "ZoneRedundant", "LocallyRedundant"],
      "GeoRedundant",
    );
    const crossRegionRestore = check.bool(
      "longTermRetention.crossRegionRestore",
      l.crossRegionRestore,
      vaultRedundancy === "GeoRedundant",
    );
    check.require(
      !crossRegionRestore || vaultRedundancy === "GeoRedundant",
      "longTermRetention.crossRegionRestore",
      'false unless vaultRedundancy is "GeoRedundant" (only a geo-redundant vault has a copy in the paired region)',
      l.crossRegionRestore,
    );
    longTermRetention = {
      retentionDays: check.int("longTermRetention.retentionDays", l.retentionDays, 7, 3650, 90),
      scheduleStartUtc: start,
      vaultRedundancy,
      softDeleteDays: check.int("longTermRetention.softDeleteDays", l.softDeleteDays, 14, 180, 14),
      crossRegionRestore,
    };
  }

  // Monitoring.
  let alerts: ResolvedAzure["alerts"] = false;
  const a = optIn<AzureAlerts>(check, "alerts", args.alerts);
  if (a) {
    alerts = {
      actionGroupId: a.actionGroupId,
      cpuPercent: check.int("alerts.cpuPercent", a.cpuPercent, 1, 100, 80),
      memoryPercent: check.int("alerts.memoryPercent", a.memoryPercent, 1, 100, 90),
      storagePercent: check.int("alerts.storagePercent", a.storagePercent, 1, 100, 80),
      connectionsPercent: check.int("alerts.connectionsPercent", a.connectionsPercent, 1, 100, 80),
      replicationLagSeconds: check.int("alerts.replicationLagSeconds", a.replicationLagSeconds, 1, 86_400, 60),
    };
  }

  let entraAdmin: ResolvedAzure["entraAdmin"];
  if (args.entraAdmin !== undefined) {
    const e = args.entraAdmin;
    check.require(e.objectId !== undefined && e.objectId !== "", "entraAdmin.objectId", "the principal's object id", e.objectId);
    check.require(
      e.principalName !== undefined && e.principalName !== "",
      "entraAdmin.principalName",
      "the principal's name",
      e.principalName,
    );
    check.require(e.tenantId !== undefined && e.tenantId !== "", "entraAdmin.tenantId", "the Entra tenant id", e.tenantId);
    entraAdmin = {
      objectId: e.objectId,
      principalName: e.principalName,
      tenantId: e.tenantId,
      principalType: check.oneOf<"User" | "Group" | "ServicePrincipal">(
        "entraAdmin.principalType",
        e.principalType,
        ["User", "Group", "ServicePrincipal"],
        "Group",
      ),
    };
  }

  if (args.keyVault !== undefined) {
    check.require(
      args.keyVault.vaultName !== undefined && args.keyVault.vaultName !== "",
      "keyVault.vaultName",
      "an existing Key Vault's name",
      args.keyVault.vaultName,
    );
    if (args.keyVault.secretName !== undefined)
      check.require(
        /^[0-9a-zA-Z-]{1,127}$/.test(args.keyVault.secretName),
        "keyVault.secretName",
        "1–127 characters: letters, digits and -",
        args.keyVault.secretName,
      );
  }

  for (const p of OWNED_PARAMETERS) {
    check.require(
      !(args.parameters && p in args.parameters),
      `parameters.${p}`,
      "left to the component (use the typed argument: pooler)",
      args.parameters?.[p],
    );
  }
  // The guide's slow-query view needs statements recorded: Azure's `none` would keep it empty.
  const track = args.parameters?.["pg_stat_statements.track"];
  if (track !== undefined)
    check.require(
      track === "top" || track === "all",
      "parameters.pg_stat_statements.track",
      '"top" or "all" ("none" records nothing for the guide\'s slow-query view)',
      track,
    );

  return {
    base,
    resourceGroupName: args.resourceGroupName,
    location: args.location,
    serverName: args.serverName,
    availabilityZone: args.availabilityZone,
    standbyAvailabilityZone: args.standbyAvailabilityZone,
    ...network,
    keyVault: args.keyVault && { ...args.keyVault, secretName: args.keyVault.secretName ?? "visor-db-connection" },
    adminSslRootCert: args.adminSslRootCert,
    version,
    skuTier,
    skuName,
    compute,
    storageSizeGb,
    storageAutoGrow,
    highAvailability,
    administratorLogin,
    geoRedundantBackup,
    allowGeoBackupReplace,
    longTermRetention,
    replicas,
    virtualEndpointName,
    pgbouncer,
    alerts,
    entraAdmin,
    runner: resolveRunner(check, args, !network.publicAccess),
  };
}

/** `pooler: "pgbouncer" | "none"` (Azure's built-in PgBouncer), or its old spelling `pgbouncer: boolean`. */
function resolvePooler(check: Validator, args: AzureVisorDatabaseArgs): boolean {
  check.require(
    args.pooler === undefined || args.pgbouncer === undefined,
    "pgbouncer",
    "unset when pooler is set (pgbouncer is its old name)",
    args.pgbouncer,
  );
  if (args.pooler === undefined && args.pgbouncer !== undefined) return check.bool("pgbouncer", args.pgbouncer, true);
  return check.oneOf("pooler", args.pooler, ["pgbouncer", "none"] as const, "pgbouncer") === "pgbouncer";
}

/** @deprecated The old name of validateAzureArgs. */
export const validateAzure = validateAzureArgs;

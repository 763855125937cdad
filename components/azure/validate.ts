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
  DEFAULT_SKU,
  HA_MODES,
  MAX_RETENTION_DAYS,
  OWNED_PARAMETERS,
  RESERVED_LOGINS,
  SERVER_NAME,
  SKU_TIERS,
} from "./defaults";
import type { ResolvedAzure } from "./resolved";
import { isString, resolveNetwork, resolveReplicas } from "./validate-options";

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

  // Azure keeps PITR 7–35 days; the guide's 7 days of WAL is the floor everywhere.
  const base = validateBase(check, args, { maxRetentionDays: MAX_RETENTION_DAYS });

  const version = check.oneOf(
    "engineVersion",
    args.engineVersion as (typeof AZURE_PG_VERSIONS)[number] | undefined,
    AZURE_PG_VERSIONS,
    DEFAULT_PG_VERSION,
  );
  const skuTier = check.oneOf("skuTier", args.skuTier, SKU_TIERS, "GeneralPurpose");
  const skuName = check.nonEmpty("skuName", args.skuName, DEFAULT_SKU[skuTier]);
  check.require(/^Standard_[A-Za-z0-9_]+$/.test(skuName), "skuName", 'an Azure compute size such as "Standard_D2ds_v5"', skuName);
  const burstableName = /^Standard_B/.test(skuName);
  check.require(
    burstableName === (skuTier === "Burstable"),
    "skuName",
    `a ${skuTier} size (Standard_B* sizes are exactly the Burstable tier)`,
    skuName,
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
  // Azure's own ranges, narrower than the shared ones.
  check.require(
    base.tuning.maxConnections >= AZURE_LIMITS.minMaxConnections,
    "tuning.maxConnections",
    `at least ${AZURE_LIMITS.minMaxConnections} on Azure (it reserves connections for its own agents)`,
    base.tuning.maxConnections,
  );
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

  const network = resolveNetwork(check, args);

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
    longTermRetention = {
      retentionDays: check.int("longTermRetention.retentionDays", l.retentionDays, 7, 3650, 90),
      scheduleStartUtc: start,
      vaultRedundancy: check.oneOf(
        "longTermRetention.vaultRedundancy",
        l.vaultRedundancy,
        ["GeoRedundant", "ZoneRedundant", "LocallyRedundant"],
        "GeoRedundant",
      ),
      softDeleteDays: check.int("longTermRetention.softDeleteDays", l.softDeleteDays, 14, 180, 14),
    };
  }

  const { replicas, virtualEndpointName } = resolveReplicas(check, args, {
    skuTier,
    skuName,
    publicAccess: network.publicAccess,
  });

  // Monitoring.
  let alerts: ResolvedAzure["alerts"] = false;
  const a = optIn<AzureAlerts>(check, "alerts", args.alerts);
  if (a) {
    alerts = {
      actionGroupId: a.actionGroupId,
      cpuPercent: check.int("alerts.cpuPercent", a.cpuPercent, 1, 100, 80),
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

// Every argument checked before a single child is registered, so `pulumi preview` fails fast with one
// message naming the field and what is allowed — including the Azure rules that otherwise fail only at
// deploy time (Burstable has no HA and no built-in PgBouncer, replicas need General Purpose, …).
import type * as pulumi from "@pulumi/pulumi";
import { validateBase, type ResolvedBase } from "../shared/base-validation";
import { Validator } from "../shared/validation";
import type { AzureHighAvailability, AzureSkuTier, AzureVisorDatabaseArgs } from "./args";

export const COMPONENT = "AzureVisorDatabase";

/** Majors Flexible Server creates today; 18 is the newest GA. */
export const AZURE_PG_VERSIONS = ["14", "15", "16", "17", "18"] as const;
export const DEFAULT_PG_VERSION = "18";
export const AZURE_STORAGE_SIZES_GB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;
/** Azure's limit of read replicas per primary. */
export const MAX_REPLICAS = 5;
const SKU_TIERS: readonly AzureSkuTier[] = ["Burstable", "GeneralPurpose", "MemoryOptimized"];
const HA_MODES: readonly AzureHighAvailability[] = ["ZoneRedundant", "SameZone", "Disabled"];
const SERVER_NAME = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;
/** Names Azure refuses for the administrator login. */
const RESERVED_LOGINS = ["azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public"];
/** Parameters the component owns; users change them through typed args, not `parameters`. */
const OWNED_PARAMETERS = ["pgbouncer.enabled", "pgbouncer.pool_mode", "require_secure_transport"];

export interface ResolvedReplica {
  index: number;
  location: pulumi.Input<string>;
  crossRegion: boolean;
  skuName: string;
  skuTier: AzureSkuTier;
  availabilityZone?: string;
  delegatedSubnetId?: pulumi.Input<string>;
  privateDnsZoneId?: pulumi.Input<string>;
  serverName?: string;
}

export interface ResolvedAzure {
  base: ResolvedBase;
  version: string;
  skuTier: AzureSkuTier;
  skuName: string;
  storageSizeGb: number;
  storageAutoGrow: boolean;
  highAvailability: AzureHighAvailability;
  administratorLogin: string;
  publicAccess: { name: string; startIpAddress: string; endIpAddress: string }[] | undefined;
  geoRedundantBackup: boolean;
  allowGeoBackupReplace: boolean;
  longTermRetention: false | { retentionDays: number; scheduleStartUtc: string; vaultRedundancy: string; softDeleteDays: number };
  replicas: ResolvedReplica[];
  virtualEndpointName?: string;
  pgbouncer: boolean;
  alerts: false | { cpuPercent: number; storagePercent: number; connectionsPercent: number; replicationLagSeconds: number };
  entraPrincipalType?: "User" | "Group" | "ServicePrincipal";
}

const isString = (v: unknown): v is string => typeof v === "string";
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ipToInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);

export function validateAzure(args: AzureVisorDatabaseArgs): ResolvedAzure {
  const v = new Validator(COMPONENT);
  if (!args || typeof args !== "object") v.fail("args", "an object", args);
  v.require(
    args.resourceGroupName !== undefined && args.resourceGroupName !== "",
    "resourceGroupName",
    "a resource group name",
    args.resourceGroupName,
  );
  v.require(
    args.location !== undefined && args.location !== "",
    "location",
    'an Azure region such as "westeurope"',
    args.location,
  );

  // Azure keeps PITR 7–35 days; fewer than the guide's 7 days of WAL is refused.
  const base = validateBase(v, args, { retentionDays: [7, 35], defaultRetentionDays: 7 });

  const version = v.oneOf(
    "engineVersion",
    args.engineVersion as (typeof AZURE_PG_VERSIONS)[number] | undefined,
    AZURE_PG_VERSIONS,
    DEFAULT_PG_VERSION,
  );
  const skuTier = v.oneOf("skuTier", args.skuTier, SKU_TIERS, "GeneralPurpose");
  const defaultSku =
    skuTier === "Burstable" ? "Standard_B2s" : skuTier === "MemoryOptimized" ? "Standard_E2ds_v5" : "Standard_D2ds_v5";
  const skuName = v.nonEmpty("skuName", args.skuName, defaultSku);
  v.require(/^Standard_[A-Za-z0-9_]+$/.test(skuName), "skuName", 'an Azure compute size such as "Standard_D2ds_v5"', skuName);
  const burstableName = /^Standard_B/.test(skuName);
  v.require(
    burstableName === (skuTier === "Burstable"),
    "skuName",
    `a ${skuTier} size (Standard_B* sizes are exactly the Burstable tier)`,
    skuName,
  );

  const storageSizeGb = args.storageSizeGb ?? 128;
  v.require(
    (AZURE_STORAGE_SIZES_GB as readonly number[]).includes(storageSizeGb),
    "storageSizeGb",
    `one of ${AZURE_STORAGE_SIZES_GB.join(", ")} (GiB)`,
    args.storageSizeGb,
  );
  const storageAutoGrow = v.bool("storageAutoGrow", args.storageAutoGrow, true);

  const highAvailability = v.oneOf("highAvailability", args.highAvailability, HA_MODES, "ZoneRedundant");
  const pgbouncer = v.bool("pgbouncer", args.pgbouncer, true);
  if (skuTier === "Burstable") {
    // Say it here, not as an ARM error twenty minutes into `pulumi up`.
    v.require(
      highAvailability === "Disabled",
      "highAvailability",
      '"Disabled" with skuTier "Burstable" (Azure offers no high availability on Burstable; choose "GeneralPurpose" for HA)',
      args.highAvailability ?? "ZoneRedundant (default)",
    );
    v.require(
      !pgbouncer,
      "pgbouncer",
      'false with skuTier "Burstable" (Azure\'s built-in PgBouncer is not available on Burstable; choose "GeneralPurpose")',
      args.pgbouncer ?? "true (default)",
    );
  }
  if (highAvailability === "ZoneRedundant" && args.standbyAvailabilityZone !== undefined) {
    v.require(
      args.standbyAvailabilityZone !== args.availabilityZone,
      "standbyAvailabilityZone",
      'a zone other than availabilityZone with highAvailability "ZoneRedundant"',
      args.standbyAvailabilityZone,
    );
  }
  v.require(
    highAvailability !== "Disabled" || args.standbyAvailabilityZone === undefined,
    "standbyAvailabilityZone",
    'omitted when highAvailability is "Disabled"',
    args.standbyAvailabilityZone,
  );
  // Azure's own ranges, narrower than the shared ones.
  v.require(
    Number(base.tuning.max_connections) >= 25,
    "tuning.maxConnections",
    "at least 25 on Azure (it reserves connections for its own agents)",
    Number(base.tuning.max_connections),
  );
  if (pgbouncer) {
    v.require(
      base.pool.defaultPoolSize <= 4950,
      "pool.defaultPoolSize",
      "at most 4950 (Azure's pgbouncer.default_pool_size limit)",
      base.pool.defaultPoolSize,
    );
    v.require(
      base.pool.maxClientConn <= 50_000,
      "pool.maxClientConn",
      "at most 50000 (Azure's pgbouncer.max_client_conn limit)",
      base.pool.maxClientConn,
    );
  }

  if (args.serverName !== undefined)
    v.require(
      isString(args.serverName) && SERVER_NAME.test(args.serverName),
      "serverName",
      "3–63 characters: a-z, 0-9 and -, not starting or ending with -",
      args.serverName,
    );
  const administratorLogin = v.nonEmpty("administratorLogin", args.administratorLogin, "visoradmin");
  v.require(
    /^[a-z_][a-z0-9_]{0,62}$/i.test(administratorLogin) &&
      !/^pg_/i.test(administratorLogin) &&
      !RESERVED_LOGINS.includes(administratorLogin.toLowerCase()),
    "administratorLogin",
    `a PostgreSQL identifier that is not reserved by Azure (${RESERVED_LOGINS.join(", ")}, pg_*)`,
    administratorLogin,
  );
  v.require(
    administratorLogin !== base.appUser,
    "administratorLogin",
    `different from appUser ("${base.appUser}")`,
    administratorLogin,
  );

  // Network: private (VNet-integrated) by default; public only on request, and never both.
  let publicAccess: ResolvedAzure["publicAccess"];
  if (args.publicAccess !== undefined) {
    v.require(
      args.delegatedSubnetId === undefined,
      "publicAccess",
      "omitted when delegatedSubnetId is set (a VNet-integrated server has no public endpoint)",
      "both",
    );
    const ranges = args.publicAccess?.allowedIpRanges;
    if (!Array.isArray(ranges) || ranges.length === 0 || ranges.length > 100)
      v.fail("publicAccess.allowedIpRanges", "1 to 100 IP ranges", ranges);
    publicAccess = ranges.map((r, i) => {
      const f = `publicAccess.allowedIpRanges[${i}]`;
      v.require(
        isString(r?.startIpAddress) && IPV4.test(r.startIpAddress),
        `${f}.startIpAddress`,
        "an IPv4 address",
        r?.startIpAddress,
      );
      v.require(isString(r.endIpAddress) && IPV4.test(r.endIpAddress), `${f}.endIpAddress`, "an IPv4 address", r.endIpAddress);
      v.require(
        ipToInt(r.startIpAddress) <= ipToInt(r.endIpAddress),
        `${f}.endIpAddress`,
        `at least startIpAddress (${r.startIpAddress})`,
        r.endIpAddress,
      );
      // 0.0.0.0–0.0.0.0 means "any Azure service, any tenant": too broad for Visor's lock table.
      v.require(
        !(r.startIpAddress === "0.0.0.0" && r.endIpAddress === "0.0.0.0"),
        `${f}`,
        "a real range (0.0.0.0–0.0.0.0 admits every Azure tenant)",
        r,
      );
      v.require(
        !(r.startIpAddress === "0.0.0.0" && r.endIpAddress === "255.255.255.255"),
        `${f}`,
        "narrower than the whole internet",
        r,
      );
      const name = r.name ?? `visor-${i}`;
      v.require(/^[A-Za-z0-9_-]{1,80}$/.test(name), `${f}.name`, "1–80 characters: letters, digits, _ and -", r.name);
      return { name, startIpAddress: r.startIpAddress, endIpAddress: r.endIpAddress };
    });
  } else {
    v.require(
      args.delegatedSubnetId !== undefined && args.delegatedSubnetId !== "",
      "delegatedSubnetId",
      "a subnet id delegated to Microsoft.DBforPostgreSQL/flexibleServers (or set publicAccess to opt into public access)",
      args.delegatedSubnetId,
    );
    v.require(
      args.privateDnsZoneId !== undefined && args.privateDnsZoneId !== "",
      "privateDnsZoneId",
      "a private DNS zone id linked to the VNet",
      args.privateDnsZoneId,
    );
    if (isString(args.delegatedSubnetId))
      v.require(
        /\/subnets\/[^/]+$/i.test(args.delegatedSubnetId),
        "delegatedSubnetId",
        "a subnet resource id (…/virtualNetworks/<vnet>/subnets/<subnet>)",
        args.delegatedSubnetId,
      );
    if (isString(args.privateDnsZoneId))
      v.require(
        /\/privateDnsZones\/[^/]+\.postgres\.database\.azure\.com$/i.test(args.privateDnsZoneId),
        "privateDnsZoneId",
        "a private DNS zone id ending in .postgres.database.azure.com",
        args.privateDnsZoneId,
      );
  }

  // Backups.
  const geoRedundantBackup = v.bool("geoRedundantBackup", args.geoRedundantBackup, true);
  const allowGeoBackupReplace = v.bool("allowGeoBackupReplace", args.allowGeoBackupReplace, false);
  // A replace is a new, empty server; the deletion lock would stop it half-way, so ask for both.
  v.require(
    !allowGeoBackupReplace || !base.deletionProtection,
    "allowGeoBackupReplace",
    "used with deletionProtection: false (changing geoRedundantBackup replaces the server: a new, empty server)",
    allowGeoBackupReplace,
  );
  let longTermRetention: ResolvedAzure["longTermRetention"] = false;
  if (args.longTermRetention !== false) {
    const l = args.longTermRetention === true || args.longTermRetention === undefined ? {} : args.longTermRetention;
    const start = l.scheduleStartUtc ?? "2024-01-07T02:00:00+00:00";
    v.require(
      isString(start) && !Number.isNaN(Date.parse(start)) && /T\d\d:\d\d/.test(start),
      "longTermRetention.scheduleStartUtc",
      'an ISO 8601 date-time such as "2024-01-07T02:00:00+00:00"',
      l.scheduleStartUtc,
    );
    longTermRetention = {
      retentionDays: v.int("longTermRetention.retentionDays", l.retentionDays, 7, 3650, 90),
      scheduleStartUtc: start,
      vaultRedundancy: v.oneOf(
        "longTermRetention.vaultRedundancy",
        l.vaultRedundancy,
        ["GeoRedundant", "ZoneRedundant", "LocallyRedundant"],
        "GeoRedundant",
      ),
      softDeleteDays: v.int("longTermRetention.softDeleteDays", l.softDeleteDays, 14, 180, 14),
    };
  }

  // Replicas.
  const specs = typeof args.replicas === "number" || args.replicas === undefined ? undefined : args.replicas;
  if (specs === undefined) v.int("replicas", args.replicas as number | undefined, 0, MAX_REPLICAS, 0);
  else
    v.require(
      Array.isArray(specs) && specs.length <= MAX_REPLICAS,
      "replicas",
      `a number from 0 to ${MAX_REPLICAS} or at most ${MAX_REPLICAS} replica specs (Azure's limit per primary)`,
      specs.length,
    );
  const count = specs ? specs.length : ((args.replicas as number | undefined) ?? 0);
  const replicas: ResolvedReplica[] = [];
  for (let i = 0; i < count; i++) {
    const s = specs?.[i] ?? {};
    const f = `replicas[${i}]`;
    const tier = v.oneOf(`${f}.skuTier`, s.skuTier, SKU_TIERS, skuTier);
    v.require(
      tier !== "Burstable",
      `${f}.skuTier`,
      '"GeneralPurpose" or "MemoryOptimized" (Azure has no read replicas on Burstable)',
      tier,
    );
    const name = v.nonEmpty(`${f}.skuName`, s.skuName, skuName);
    v.require(
      /^Standard_[A-Za-z0-9_]+$/.test(name) && !/^Standard_B/.test(name),
      `${f}.skuName`,
      `a ${tier} compute size such as "Standard_D2ds_v5"`,
      name,
    );
    if (s.serverName !== undefined)
      v.require(
        isString(s.serverName) && SERVER_NAME.test(s.serverName),
        `${f}.serverName`,
        "3–63 characters: a-z, 0-9 and -, not starting or ending with -",
        s.serverName,
      );
    const location = s.location ?? args.location;
    const crossRegion =
      s.location !== undefined &&
      isString(s.location) &&
      isString(args.location) &&
      s.location.toLowerCase() !== args.location.toLowerCase();
    if (crossRegion && !publicAccess) {
      // The primary's subnet lives in the primary's region; Azure refuses it for another region.
      v.require(
        s.delegatedSubnetId !== undefined && s.delegatedSubnetId !== args.delegatedSubnetId,
        `${f}.delegatedSubnetId`,
        `a delegated subnet in ${String(s.location)} (a cross-region replica cannot use the primary's subnet)`,
        s.delegatedSubnetId,
      );
    }
    v.require(
      !(publicAccess && s.delegatedSubnetId !== undefined),
      `${f}.delegatedSubnetId`,
      "omitted when publicAccess is set (replicas follow the primary's network mode)",
      s.delegatedSubnetId,
    );
    replicas.push({
      index: i,
      location,
      crossRegion,
      skuName: name,
      skuTier: tier,
      availabilityZone: s.availabilityZone,
      delegatedSubnetId: publicAccess ? undefined : (s.delegatedSubnetId ?? args.delegatedSubnetId),
      privateDnsZoneId: publicAccess ? undefined : (s.privateDnsZoneId ?? args.privateDnsZoneId),
      serverName: s.serverName,
    });
  }
  const replicaNames = replicas.map((r) => r.serverName).filter(isString);
  v.require(
    new Set(replicaNames).size === replicaNames.length && !replicaNames.includes(args.serverName ?? ""),
    "replicas",
    "distinct server names, none equal to serverName",
    replicaNames,
  );
  if (args.virtualEndpointName !== undefined) {
    v.require(
      count > 0,
      "virtualEndpointName",
      "set only with replicas (Azure virtual endpoints need a replica)",
      args.virtualEndpointName,
    );
    v.require(
      isString(args.virtualEndpointName) && SERVER_NAME.test(args.virtualEndpointName),
      "virtualEndpointName",
      "3–63 characters: a-z, 0-9 and -",
      args.virtualEndpointName,
    );
  }

  // Monitoring.
  let alerts: ResolvedAzure["alerts"] = false;
  if (args.alerts !== false) {
    const a = args.alerts === true || args.alerts === undefined ? {} : args.alerts;
    alerts = {
      cpuPercent: v.int("alerts.cpuPercent", a.cpuPercent, 1, 100, 80),
      storagePercent: v.int("alerts.storagePercent", a.storagePercent, 1, 100, 80),
      connectionsPercent: v.int("alerts.connectionsPercent", a.connectionsPercent, 1, 100, 80),
      replicationLagSeconds: v.int("alerts.replicationLagSeconds", a.replicationLagSeconds, 1, 86_400, 60),
    };
  }

  let entraPrincipalType: ResolvedAzure["entraPrincipalType"];
  if (args.entraAdmin !== undefined) {
    const e = args.entraAdmin;
    v.require(e.objectId !== undefined && e.objectId !== "", "entraAdmin.objectId", "the principal's object id", e.objectId);
    v.require(
      e.principalName !== undefined && e.principalName !== "",
      "entraAdmin.principalName",
      "the principal's name",
      e.principalName,
    );
    v.require(e.tenantId !== undefined && e.tenantId !== "", "entraAdmin.tenantId", "the Entra tenant id", e.tenantId);
    entraPrincipalType = v.oneOf<"User" | "Group" | "ServicePrincipal">(
      "entraAdmin.principalType",
      e.principalType,
      ["User", "Group", "ServicePrincipal"],
      "Group",
    );
  }

  if (args.keyVault !== undefined) {
    v.require(
      args.keyVault.vaultName !== undefined && args.keyVault.vaultName !== "",
      "keyVault.vaultName",
      "an existing Key Vault's name",
      args.keyVault.vaultName,
    );
    if (args.keyVault.secretName !== undefined)
      v.require(
        /^[0-9a-zA-Z-]{1,127}$/.test(args.keyVault.secretName),
        "keyVault.secretName",
        "1–127 characters: letters, digits and -",
        args.keyVault.secretName,
      );
  }

  for (const p of OWNED_PARAMETERS) {
    v.require(
      !(args.parameters && p in args.parameters),
      `parameters.${p}`,
      "left to the component (use the typed argument: pgbouncer)",
      args.parameters?.[p],
    );
  }

  return {
    base,
    version,
    skuTier,
    skuName,
    storageSizeGb,
    storageAutoGrow,
    highAvailability,
    administratorLogin,
    publicAccess,
    geoRedundantBackup,
    allowGeoBackupReplace,
    longTermRetention,
    replicas,
    virtualEndpointName: args.virtualEndpointName,
    pgbouncer,
    alerts,
    entraPrincipalType,
  };
}

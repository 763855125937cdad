// Bad input: one clear error naming the field and what is allowed, and nothing registered.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DNS_ZONE, MINIMAL, SUBNET, byPrefix, settle, setupAzureMocks } from "./helpers";
setupAzureMocks();
import {
  AzureVisorDatabase,
  validateAzure,
  validateAzureArgs,
  VisorValidationError,
  type AzureVisorDatabaseArgs,
} from "../../components/azure";

interface Case {
  why: string;
  args: Partial<AzureVisorDatabaseArgs> & Record<string, unknown>;
  /** Replaces MINIMAL entirely instead of merging. */
  replace?: boolean;
  field: string;
  allowed: string;
}

const cases: Case[] = [
  {
    why: "retention below the guide's 7 days",
    args: { retentionDays: 0 },
    field: "retentionDays",
    allowed: "an integer from 7 to 35",
  },
  {
    why: "retention below Azure's minimum",
    args: { retentionDays: 6 },
    field: "retentionDays",
    allowed: "an integer from 7 to 35",
  },
  {
    why: "retention above Azure's maximum",
    args: { retentionDays: 36 },
    field: "retentionDays",
    allowed: "an integer from 7 to 35",
  },
  { why: "fractional retention", args: { retentionDays: 7.5 }, field: "retentionDays", allowed: "an integer from 7 to 35" },
  {
    why: "Burstable keeps the default zone-redundant HA",
    args: { skuTier: "Burstable", skuName: "Standard_B2s", pgbouncer: false },
    field: "highAvailability",
    allowed:
      '"Disabled" with skuTier "Burstable" (Azure offers no high availability on Burstable; choose "GeneralPurpose" for HA)',
  },
  {
    why: "Burstable with explicit SameZone HA",
    args: { skuTier: "Burstable", highAvailability: "SameZone", pgbouncer: false },
    field: "highAvailability",
    allowed:
      '"Disabled" with skuTier "Burstable" (Azure offers no high availability on Burstable; choose "GeneralPurpose" for HA)',
  },
  {
    why: "Burstable keeps the default built-in PgBouncer",
    args: { skuTier: "Burstable", highAvailability: "Disabled" },
    field: "pooler",
    allowed:
      '"none" with skuTier "Burstable" (Azure\'s built-in PgBouncer is not available on Burstable; choose "GeneralPurpose")',
  },
  {
    why: "Burstable with the deprecated pgbouncer: true",
    args: { skuTier: "Burstable", highAvailability: "Disabled", pgbouncer: true },
    field: "pgbouncer",
    allowed:
      'false with skuTier "Burstable" (Azure\'s built-in PgBouncer is not available on Burstable; choose "GeneralPurpose")',
  },
  {
    why: "both spellings of the pooler",
    args: { pooler: "none", pgbouncer: false },
    field: "pgbouncer",
    allowed: "unset when pooler is set (pgbouncer is its old name)",
  },
  {
    why: "retention below the guide's 7 days",
    args: { retentionDays: 6 },
    field: "retentionDays",
    allowed: "an integer from 7 to 35",
  },
  {
    why: "built-in PgBouncer pool above max_connections less the headroom",
    args: { pool: { defaultPoolSize: 45, maxClientConn: 200 } },
    field: "pool.defaultPoolSize",
    allowed:
      "at most 41 with 1 built-in PgBouncer (built-in PgBouncer × pool ≤ tuning.maxConnections 50 − 5 reserved − 4 for the bootstrap and smoke test)",
  },
  {
    why: "Burstable size on General Purpose",
    args: { skuName: "Standard_B2s" },
    field: "skuName",
    allowed: "a GeneralPurpose size (Standard_B* sizes are exactly the Burstable tier)",
  },
  {
    why: "unknown tier",
    args: { skuTier: "Basic" as never },
    field: "skuTier",
    allowed: 'one of "Burstable", "GeneralPurpose", "MemoryOptimized"',
  },
  {
    why: "unknown HA mode",
    args: { highAvailability: "Enabled" as never },
    field: "highAvailability",
    allowed: 'one of "ZoneRedundant", "SameZone", "Disabled"',
  },
  {
    why: "unsupported major",
    args: { engineVersion: "13" },
    field: "engineVersion",
    allowed: 'one of "14", "15", "16", "17", "18"',
  },
  {
    why: "storage size Azure does not offer",
    args: { storageSizeGb: 100 },
    field: "storageSizeGb",
    allowed: "one of 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767 (GiB)",
  },
  { why: "too many replicas", args: { replicas: 6 }, field: "replicas", allowed: "an integer from 0 to 5" },
  { why: "negative replicas", args: { replicas: -1 }, field: "replicas", allowed: "an integer from 0 to 5" },
  {
    why: "too many replica specs",
    args: { replicas: [{}, {}, {}, {}, {}, {}] },
    field: "replicas",
    allowed: "an integer from 0 to 5 or a list of at most 5 replica specs",
  },
  {
    why: "cross-region replica on the primary's subnet",
    args: { replicas: [{ location: "northeurope" }] },
    field: "replicas[0].delegatedSubnetId",
    allowed: "a delegated subnet in northeurope (a cross-region replica cannot use the primary's subnet)",
  },
  {
    why: "Burstable replica",
    args: { replicas: [{ skuTier: "Burstable" }] },
    field: "replicas[0].skuTier",
    allowed: '"GeneralPurpose" or "MemoryOptimized" (Azure has no read replicas on Burstable)',
  },
  {
    why: "geo-backup replace while deletion protection is on",
    args: { allowGeoBackupReplace: true },
    field: "allowGeoBackupReplace",
    allowed: "used with deletionProtection: false (changing geoRedundantBackup replaces the server: a new, empty server)",
  },
  {
    why: "geoRedundantBackup not a boolean",
    args: { geoRedundantBackup: "Enabled" as never },
    field: "geoRedundantBackup",
    allowed: "true or false",
  },
  {
    why: "weekly retention too short",
    args: { longTermRetention: { retentionDays: 3 } },
    field: "longTermRetention.retentionDays",
    allowed: "an integer from 7 to 3650",
  },
  {
    why: "bad weekly schedule",
    args: { longTermRetention: { scheduleStartUtc: "Sundays" } },
    field: "longTermRetention.scheduleStartUtc",
    allowed: 'an ISO 8601 date-time such as "2024-01-07T02:00:00+00:00"',
  },
  {
    why: "no delegated subnet and no public access",
    args: { resourceGroupName: "rg", location: "westeurope", privateDnsZoneId: DNS_ZONE },
    replace: true,
    field: "delegatedSubnetId",
    allowed: "a subnet id delegated to Microsoft.DBforPostgreSQL/flexibleServers (or set publicAccess to opt into public access)",
  },
  {
    why: "no private DNS zone",
    args: { resourceGroupName: "rg", location: "westeurope", delegatedSubnetId: SUBNET },
    replace: true,
    field: "privateDnsZoneId",
    allowed: "a private DNS zone id linked to the VNet",
  },
  {
    why: "DNS zone of the wrong suffix",
    args: { privateDnsZoneId: "/subscriptions/0/resourceGroups/n/providers/Microsoft.Network/privateDnsZones/example.com" },
    field: "privateDnsZoneId",
    allowed: "a private DNS zone id ending in .postgres.database.azure.com",
  },
  {
    why: "public access together with VNet integration",
    args: { publicAccess: { allowedIpRanges: [{ startIpAddress: "203.0.113.1", endIpAddress: "203.0.113.1" }] } },
    field: "publicAccess",
    allowed: "omitted when delegatedSubnetId is set (a VNet-integrated server has no public endpoint)",
  },
  {
    why: "public access to every Azure tenant",
    args: {
      resourceGroupName: "rg",
      location: "westeurope",
      publicAccess: { allowedIpRanges: [{ startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" }] },
    },
    replace: true,
    field: "publicAccess.allowedIpRanges[0]",
    allowed: "a real range (0.0.0.0–0.0.0.0 admits every Azure tenant)",
  },
  {
    why: "reversed IP range",
    args: {
      resourceGroupName: "rg",
      location: "westeurope",
      publicAccess: { allowedIpRanges: [{ startIpAddress: "203.0.113.9", endIpAddress: "203.0.113.1" }] },
    },
    replace: true,
    field: "publicAccess.allowedIpRanges[0].endIpAddress",
    allowed: "at least startIpAddress (203.0.113.9)",
  },
  {
    why: "pool min above default",
    args: { pool: { minPoolSize: 30 } },
    field: "pool.minPoolSize",
    allowed: "at most pool.defaultPoolSize (20)",
  },
  {
    why: "pool larger than Azure's PgBouncer allows",
    args: { pool: { defaultPoolSize: 4951, maxClientConn: 6000 }, tuning: { maxConnections: 5000 } },
    field: "pool.defaultPoolSize",
    allowed: "at most 4950 (Azure's pgbouncer.default_pool_size limit)",
  },
  {
    why: "max_connections below Azure's floor",
    args: { tuning: { maxConnections: 20 }, pool: { defaultPoolSize: 10 } },
    field: "tuning.maxConnections",
    allowed: "at least 25 on Azure (it reserves connections for its own agents)",
  },
  {
    why: "reserved admin login",
    args: { administratorLogin: "azure_superuser" },
    field: "administratorLogin",
    allowed:
      "a PostgreSQL identifier that is not reserved by Azure (azure_superuser, azure_pg_admin, admin, administrator, root, guest, public, pg_*)",
  },
  {
    why: "server name with capitals",
    args: { serverName: "Visor_DB" },
    field: "serverName",
    allowed: "3–63 characters: a-z, 0-9 and -, not starting or ending with -",
  },
  {
    why: "virtual endpoint without replicas",
    args: { virtualEndpointName: "visor-ve" },
    field: "virtualEndpointName",
    allowed: "set only with replicas (Azure virtual endpoints need a replica)",
  },
  {
    why: "component-owned parameter",
    args: { parameters: { "pgbouncer.pool_mode": "SESSION" } },
    field: "parameters.pgbouncer.pool_mode",
    allowed: "left to the component (use the typed argument: pooler)",
  },
  {
    why: "alert threshold above 100%",
    args: { alerts: { cpuPercent: 120 } },
    field: "alerts.cpuPercent",
    allowed: "an integer from 1 to 100",
  },
  {
    why: "missing location",
    args: { resourceGroupName: "rg", delegatedSubnetId: SUBNET, privateDnsZoneId: DNS_ZONE },
    replace: true,
    field: "location",
    allowed: 'an Azure region such as "westeurope"',
  },
  {
    why: "heartbeat too close to lock TTL",
    args: { ha: { lockTtlSeconds: 30, heartbeatIntervalSeconds: 15 } },
    field: "ha.heartbeatIntervalSeconds",
    allowed: "below ha.lockTtlSeconds / 3 (10.0), as the guide requires",
  },
];

cases.forEach((c, i) => {
  test(`refuses ${c.why} → ${c.field}`, async () => {
    const name = `bad${i}`;
    const args = (c.replace ? c.args : { ...MINIMAL, ...c.args }) as AzureVisorDatabaseArgs;
    assert.throws(
      () => new AzureVisorDatabase(name, args),
      (e: unknown) => {
        assert.ok(e instanceof VisorValidationError, `not a VisorValidationError: ${String(e)}`);
        assert.equal(e.field, c.field);
        // The whole allowed text, then what was given.
        assert.ok(e.message.startsWith(`AzureVisorDatabase: ${c.field} must be ${c.allowed} (got `), e.message);
        return true;
      },
    );
    // Registration is asynchronous: give a wrongly registered child time to show up.
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(byPrefix(name), [], "nothing may be registered for a refused component");
  });
});

test("the Burstable error says why and what to choose instead", () => {
  assert.throws(
    () => new AzureVisorDatabase("burst", { ...MINIMAL, skuTier: "Burstable" }),
    /AzureVisorDatabase: highAvailability must be "Disabled" with skuTier "Burstable" \(Azure offers no high availability on Burstable; choose "GeneralPurpose" for HA\) \(got "ZoneRedundant \(default\)"\)/,
  );
});

test("a valid Burstable setup passes once HA and PgBouncer are turned off explicitly", async () => {
  const db = new AzureVisorDatabase("burst-ok", {
    ...MINIMAL,
    skuTier: "Burstable",
    highAvailability: "Disabled",
    pgbouncer: false,
    bootstrap: false,
  });
  await settle(db);
  const server = byPrefix("burst-ok").find((r) => r.type === "azure-native:dbforpostgresql:Server")!;
  assert.deepEqual(server.inputs.sku, { name: "Standard_B2s", tier: "Burstable" });
  assert.equal((server.inputs.highAvailability as { mode: string }).mode, "Disabled");
  const parameters = byPrefix("burst-ok")
    .filter((r) => r.type === "azure-native:dbforpostgresql:Configuration")
    .map((r) => r.inputs.configurationName);
  assert.ok(!parameters.some((p) => String(p).startsWith("pgbouncer.")), "no PgBouncer parameter on Burstable");
});

test("deprecated spelling: `pgbouncer: boolean` still works as `pooler`", () => {
  assert.equal(validateAzure, validateAzureArgs);
  assert.equal(validateAzureArgs({ ...MINIMAL, pgbouncer: false }).pgbouncer, false);
  assert.equal(validateAzureArgs({ ...MINIMAL, pooler: "none" }).pgbouncer, false);
  assert.equal(validateAzureArgs({ ...MINIMAL, pgbouncer: true }).pgbouncer, true);
  assert.equal(validateAzureArgs(MINIMAL).pgbouncer, true);
});

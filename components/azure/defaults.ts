// Azure Database for PostgreSQL Flexible Server's constant tables: versions, storage sizes, tiers and
// their default sizes, HA modes, reserved names and the parameters the component owns.
import type { AzureHighAvailability, AzureSkuTier } from "./args";

export const COMPONENT = "AzureVisorDatabase";

/** Majors Flexible Server creates today; 18 is the newest GA. */
export const AZURE_PG_VERSIONS = ["14", "15", "16", "17", "18"] as const;
export const DEFAULT_PG_VERSION = "18";
export const AZURE_STORAGE_SIZES_GB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;
/** Azure's limit of read replicas per primary. */
export const MAX_REPLICAS = 5;
/** Azure keeps PITR 7–35 days (its default is 7). */
export const MAX_RETENTION_DAYS = 35;
/** Our PITR default: the guide's daily/30-day tier met by the server's own backups. */
export const DEFAULT_RETENTION_DAYS = 30;
export const SKU_TIERS: readonly AzureSkuTier[] = ["Burstable", "GeneralPurpose", "MemoryOptimized"];
/** Each tier's default compute size (GeneralPurpose: 2 vCores, 8 GiB). */
export const DEFAULT_SKU: Readonly<Record<AzureSkuTier, string>> = {
  Burstable: "Standard_B2s",
  GeneralPurpose: "Standard_D2ds_v5",
  MemoryOptimized: "Standard_E2ds_v5",
};
export const HA_MODES: readonly AzureHighAvailability[] = ["ZoneRedundant", "SameZone", "Disabled"];
/** Names Azure refuses for the administrator login. */
export const RESERVED_LOGINS = ["azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public"];
/**
 * Azure's default `shared_preload_libraries` per major version (static). PostgreSQL 18's is documented;
 * 14–17 are assumed the same (unconfirmed): pg_stat_statements is added to whatever the value is.
 */
export const PRELOAD_DEFAULTS: Readonly<Record<string, string>> = {
  "14": "pg_cron,pg_stat_statements",
  "15": "pg_cron,pg_stat_statements",
  "16": "pg_cron,pg_stat_statements",
  "17": "pg_cron,pg_stat_statements",
  "18": "pg_cron,pg_stat_statements",
};
/**
 * Bounded waits (seconds) where Azure is known to refuse the next write for a while: after a server or
 * replica is created (ServerIsBusy on its first configuration) and after the vault's role assignments
 * (RBAC propagation before the backup instance). If a step still fails, re-run `pulumi up`.
 */
export const SETTLE_SECONDS = { server: 60, rbac: 120 } as const;
/** Parameters the component owns; users change them through typed args, not `parameters`. */
export const OWNED_PARAMETERS = ["pgbouncer.enabled", "pgbouncer.pool_mode", "require_secure_transport"];
/** Azure's own floors and ceilings, narrower than the shared ranges. */
export const AZURE_LIMITS = { maxDefaultPoolSize: 4950, maxClientConn: 50_000 } as const;
/** Server, replica and virtual endpoint names: 3–63 of a-z, 0-9 and -, not starting or ending with -. */
export const SERVER_NAME = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;

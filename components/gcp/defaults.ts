// Cloud SQL's constant tables: versions, editions' limits and default tiers, the flags Cloud SQL manages
// itself, and the default pooler per edition. Validation and the builders read them.
import type { GcpEdition, GcpPooler } from "./args";

export { DEFAULT_PGBOUNCER_IMAGE } from "../shared/defaults";

export const COMPONENT = "GcpVisorDatabase";

/** The current PostgreSQL major on Cloud SQL; the oldest we accept is the oldest still in standard support. */
export const DEFAULT_PG_MAJOR = 18;
export const MIN_PG_MAJOR = 14;
export const MAX_REPLICAS = 10;
/** PITR log retention: 1–7 days on Enterprise, 1–35 on Enterprise Plus. */
export const PITR_MAX_DAYS: Record<GcpEdition, number> = { ENTERPRISE: 7, ENTERPRISE_PLUS: 35 };
export const DEFAULT_TIER: Record<GcpEdition, string> = {
  ENTERPRISE: "db-custom-2-7680",
  ENTERPRISE_PLUS: "db-perf-optimized-N-2",
};
/**
 * Managed pooling costs nothing extra on Enterprise Plus, so it is on there. On Enterprise a pooler means VMs to run,
 * and the guide keeps PgBouncer for "high-concurrency deployments (many Visor instances)" (5+ in its pool-sizing
 * table), so it is opt-in there: `pooler: "pgbouncer"`.
 */
export const DEFAULT_POOLER: Record<GcpEdition, GcpPooler> = { ENTERPRISE: "none", ENTERPRISE_PLUS: "managed" };
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/**
 * Settings Cloud SQL manages itself and refuses as flags (`password_encryption` is not among them: it is a flag
 * Cloud SQL lets you set); `parameters` naming one of them fails here rather than at
 * apply time. (PITR sets wal_level/archive_*, replicas set max_wal_senders' floor, pg_stat_statements is preloaded.)
 */
export const CLOUD_SQL_MANAGED_SETTINGS = [
  "shared_preload_libraries",
  "wal_level",
  "archive_mode",
  "archive_command",
  "listen_addresses",
  "port",
  "ssl",
  "ssl_cert_file",
  "ssl_key_file",
  "ssl_ca_file",
  "data_directory",
  "hba_file",
] as const;

/** Google's health-check source ranges, which must reach the PgBouncer VMs. */
export const HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];

// Values every cloud shares, each written once: ports, the PgBouncer image we run, the guide's pool
// sizes (from the PgBouncer module's own defaults) and the connection headroom a pooler must leave.
import { PGBOUNCER_CONFIG_DEFAULTS } from "../pgbouncer/options";

export const POSTGRES_PORT = PGBOUNCER_CONFIG_DEFAULTS.databasePort;
/** PgBouncer's port: ours on AWS/GCP, Azure's and Cloud SQL's built-in poolers alike. */
export const PGBOUNCER_PORT = PGBOUNCER_CONFIG_DEFAULTS.listenPort;

/** PgBouncer 1.23.1 (SCRAM pass-through, verify-full; runs as uid 70). Pin a digest in production: `image@sha256:…`. */
export const DEFAULT_PGBOUNCER_IMAGE = "edoburu/pgbouncer:1.23.1-p2";

/** The guide's pool sizes, as the renderer defaults them. */
export const POOL_DEFAULTS = {
  defaultPoolSize: PGBOUNCER_CONFIG_DEFAULTS.defaultPoolSize,
  minPoolSize: PGBOUNCER_CONFIG_DEFAULTS.minPoolSize,
  maxClientConn: PGBOUNCER_CONFIG_DEFAULTS.maxClientConn,
} as const;

/** The guide keeps 7 days of WAL; the policy pack refuses less on every cloud. */
export const MIN_RETENTION_DAYS = 7;

/**
 * Connections kept free below max_connections besides the pooler's: the admin user, the cloud's own
 * reserved and monitoring connections. The bootstrap and the smoke test's nodes come on top.
 */
export const RESERVED_CONNECTIONS = 5;

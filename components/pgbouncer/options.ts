/**
 * Input types and defaults for {@link renderPgBouncerConfig}. Kept apart from
 * validation and rendering so the public surface reads in one place.
 */
import { PGBOUNCER_GUIDE_DEFAULTS } from "./pool-sizing";

/** pgbouncer `pool_mode` values. */
export const POOL_MODES = ["transaction", "session", "statement"] as const;
export type PoolMode = (typeof POOL_MODES)[number];

/** `auth_type` values this renderer supports (both verify against the userlist). */
export const AUTH_TYPES = ["scram-sha-256", "md5"] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/** pgbouncer `client_tls_sslmode` / `server_tls_sslmode` values. */
export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** One `[databases]` entry: the name clients use and where pgbouncer forwards it. */
export interface PgBouncerDatabase {
  /**
   * Name clients connect to: letters, digits, `_`, `.` and `-` only (pgbouncer
   * 1.18 cannot read anything else there, quoted or not). `*` is the fallback
   * entry; `pgbouncer` is reserved for the admin console.
   */
  name: string;
  /** PostgreSQL host name, IP, comma-separated host list, or unix socket directory (`/…`). */
  host: string;
  /** PostgreSQL port. @defaultValue 5432 */
  port?: number;
  /** Database name on the server. @defaultValue the entry's `name` */
  dbname?: string;
  /** Per-database `pool_size`. @defaultValue not written, so `defaultPoolSize` applies */
  poolSize?: number;
}

/**
 * A userlist entry from a plain-text password; only its verifier is written.
 * Enough for pgbouncer to check client logins, but pgbouncer can log in to a
 * SCRAM server as this user only if the server stores the same verifier
 * (same salt): otherwise use {@link PgBouncerVerifierUser}.
 */
export interface PgBouncerPasswordUser {
  /** Role name, as on the PostgreSQL server. */
  name: string;
  /** Plain-text password; hashed here and never written to either file. */
  password: string;
  /** SCRAM salt, to make the output reproducible. @defaultValue 16 random bytes per render */
  salt?: Buffer;
  /** SCRAM iteration count. @defaultValue 4096 */
  iterations?: number;
  verifier?: never;
}

/**
 * A userlist entry from an already computed verifier. Use this when pgbouncer
 * must also log in to a SCRAM server with it: pgbouncer can only do that when
 * its userlist holds the exact verifier stored on the server (same salt and
 * iterations), e.g. set with `ALTER ROLE … PASSWORD '<verifier>'`.
 */
export interface PgBouncerVerifierUser {
  /** Role name, as on the PostgreSQL server. */
  name: string;
  /** `SCRAM-SHA-256$…` verifier, or `md5…` verifier (only with `authType: "md5"`). */
  verifier: string;
  password?: never;
  salt?: never;
  iterations?: never;
}

export type PgBouncerUser = PgBouncerPasswordUser | PgBouncerVerifierUser;

/** TLS between pgbouncer and PostgreSQL. */
export interface PgBouncerServerTls {
  /** `server_tls_sslmode`. */
  sslmode: SslMode;
  /** `server_tls_ca_file`, the CA bundle that verifies the server (e.g. the RDS bundle). @defaultValue not set */
  caFile?: string;
}

/** TLS between applications and pgbouncer. */
export interface PgBouncerClientTls {
  /** `client_tls_sslmode`. */
  sslmode: SslMode;
  /** `client_tls_key_file`, pgbouncer's private key. */
  keyFile: string;
  /** `client_tls_cert_file`, pgbouncer's certificate. */
  certFile: string;
  /** `client_tls_ca_file`, the CA that verifies client certificates. @defaultValue not set */
  caFile?: string;
}

/** Everything {@link renderPgBouncerConfig} needs to write `pgbouncer.ini` and `userlist.txt`. */
export interface PgBouncerConfigOptions {
  /** `[databases]` entries; at least one, names unique. */
  databases: PgBouncerDatabase[];
  /** Userlist entries; at least one, names unique. */
  users: PgBouncerUser[];
  /** `listen_addr`. @defaultValue "0.0.0.0" */
  listenAddr?: string;
  /** `listen_port`. @defaultValue 6432 (guide) */
  listenPort?: number;
  /** `pool_mode`. @defaultValue "transaction" (guide) */
  poolMode?: PoolMode;
  /** `default_pool_size`, server connections per user/database pair. @defaultValue 20 (guide) */
  defaultPoolSize?: number;
  /** `min_pool_size`; at most `defaultPoolSize`. @defaultValue 0 */
  minPoolSize?: number;
  /** `reserve_pool_size`; 0 disables the reserve pool. @defaultValue 0 */
  reservePoolSize?: number;
  /** `max_client_conn`; at least `defaultPoolSize`. @defaultValue 200 (guide) */
  maxClientConn?: number;
  /** `max_db_connections`; 0 means unlimited. @defaultValue 0 */
  maxDbConnections?: number;
  /** `auth_type`. @defaultValue "scram-sha-256" */
  authType?: AuthType;
  /** `auth_file`, where the rendered userlist must be installed. @defaultValue "/etc/pgbouncer/userlist.txt" */
  authFile?: string;
  /** `server_reset_query_always`; only useful for session-dependent apps in transaction mode. @defaultValue false */
  serverResetQueryAlways?: boolean;
  /** `server_reset_query`; `""` disables it. @defaultValue "DISCARD ALL" */
  serverResetQuery?: string;
  /**
   * `ignore_startup_parameters`; JDBC and node-postgres send these, and
   * pgbouncer refuses the connection on parameters it does not know.
   * An empty list omits the line. @defaultValue ["extra_float_digits", "options"]
   */
  ignoreStartupParameters?: string[];
  /** Server-side TLS. @defaultValue not written (pgbouncer default: disable) */
  serverTls?: PgBouncerServerTls;
  /** Client-side TLS. @defaultValue not written (pgbouncer default: disable) */
  clientTls?: PgBouncerClientTls;
  /** `logfile`. @defaultValue not written (log to stderr) */
  logFile?: string;
  /** `pidfile`; required for `pgbouncer -d`. @defaultValue not written */
  pidFile?: string;
  /** `unix_socket_dir`; `""` disables the unix socket. @defaultValue not written (pgbouncer default: /tmp) */
  unixSocketDir?: string;
  /** `admin_users`, roles allowed to run admin commands on the console. @defaultValue not written */
  adminUsers?: string[];
  /** `stats_users`, roles allowed read-only `SHOW` commands on the console. @defaultValue not written */
  statsUsers?: string[];
  /**
   * `max_prepared_statements` (protocol-level prepared statements in
   * transaction mode). Only pgbouncer >= 1.21 knows it; 1.18 refuses to start
   * on unknown keys, so leave it unset there. @defaultValue not written
   */
  maxPreparedStatements?: number;
  /**
   * Further `[pgbouncer]` settings written verbatim at the end. Keys must be
   * lowercase identifiers and must not be a setting a typed option above
   * controls. @defaultValue {}
   */
  extra?: Record<string, string | number>;
}

/** The renderer's defaults, guide values included. */
export const PGBOUNCER_CONFIG_DEFAULTS = Object.freeze({
  ...PGBOUNCER_GUIDE_DEFAULTS,
  listenAddr: "0.0.0.0",
  minPoolSize: 0,
  reservePoolSize: 0,
  maxDbConnections: 0,
  authType: "scram-sha-256",
  authFile: "/etc/pgbouncer/userlist.txt",
  serverResetQueryAlways: false,
  serverResetQuery: "DISCARD ALL",
  ignoreStartupParameters: Object.freeze(["extra_float_digits", "options"]),
  databasePort: 5432,
} as const);

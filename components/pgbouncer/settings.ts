/**
 * The `[pgbouncer]` keys the typed options control, in output order. One
 * table serves both the renderer and the check that `extra` does not set
 * them a second time (pgbouncer would silently keep the last one).
 */
import type { ResolvedPgBouncerConfig } from "./validate";

type SettingValue = string | number | boolean | readonly string[] | undefined;

interface Setting {
  /** Key in pgbouncer.ini. */
  key: string;
  /** Option path that controls it, for error messages. */
  option: string;
  /** Value to write; `undefined` leaves the line out. */
  value: (c: ResolvedPgBouncerConfig) => SettingValue;
}

const nonEmpty = (list: readonly string[] | undefined) => (list && list.length > 0 ? list : undefined);

export const PGBOUNCER_SETTINGS: readonly Setting[] = [
  { key: "listen_addr", option: "listenAddr", value: (c) => c.listenAddr },
  { key: "listen_port", option: "listenPort", value: (c) => c.listenPort },
  { key: "unix_socket_dir", option: "unixSocketDir", value: (c) => c.unixSocketDir },
  { key: "auth_type", option: "authType", value: (c) => c.authType },
  { key: "auth_file", option: "authFile", value: (c) => c.authFile },
  { key: "admin_users", option: "adminUsers", value: (c) => nonEmpty(c.adminUsers) },
  { key: "stats_users", option: "statsUsers", value: (c) => nonEmpty(c.statsUsers) },
  { key: "pool_mode", option: "poolMode", value: (c) => c.poolMode },
  { key: "default_pool_size", option: "defaultPoolSize", value: (c) => c.defaultPoolSize },
  { key: "min_pool_size", option: "minPoolSize", value: (c) => c.minPoolSize },
  { key: "reserve_pool_size", option: "reservePoolSize", value: (c) => c.reservePoolSize },
  { key: "max_client_conn", option: "maxClientConn", value: (c) => c.maxClientConn },
  { key: "max_db_connections", option: "maxDbConnections", value: (c) => c.maxDbConnections },
  { key: "max_prepared_statements", option: "maxPreparedStatements", value: (c) => c.maxPreparedStatements },
  { key: "server_reset_query", option: "serverResetQuery", value: (c) => c.serverResetQuery },
  { key: "server_reset_query_always", option: "serverResetQueryAlways", value: (c) => c.serverResetQueryAlways },
  {
    key: "ignore_startup_parameters",
    option: "ignoreStartupParameters",
    value: (c) => nonEmpty(c.ignoreStartupParameters),
  },
  { key: "server_tls_sslmode", option: "serverTls.sslmode", value: (c) => c.serverTls?.sslmode },
  { key: "server_tls_ca_file", option: "serverTls.caFile", value: (c) => c.serverTls?.caFile },
  { key: "client_tls_sslmode", option: "clientTls.sslmode", value: (c) => c.clientTls?.sslmode },
  { key: "client_tls_key_file", option: "clientTls.keyFile", value: (c) => c.clientTls?.keyFile },
  { key: "client_tls_cert_file", option: "clientTls.certFile", value: (c) => c.clientTls?.certFile },
  { key: "client_tls_ca_file", option: "clientTls.caFile", value: (c) => c.clientTls?.caFile },
  { key: "logfile", option: "logFile", value: (c) => c.logFile },
  { key: "pidfile", option: "pidFile", value: (c) => c.pidFile },
];

/** Formats a value the way pgbouncer's ini parser reads it (booleans as 0/1, lists comma-separated). */
export function formatSettingValue(value: Exclude<SettingValue, undefined>): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value;
  return value.join(",");
}

// How every part of the package reaches a database: one typed connection, turned into a knex instance.
// Drivers are imported lazily so that a Pulumi dynamic provider serializes without native modules.
import { isIP } from "node:net";
import type { Knex } from "knex";

export type VisorDriver = "postgresql" | "mysql" | "mssql";
export type SslMode = "disable" | "require" | "verify-ca" | "verify-full";
export const SSL_MODES: readonly SslMode[] = ["disable", "require", "verify-ca", "verify-full"];

export interface VisorSsl {
  /** Default `verify-full` when `ca` is given, otherwise `require`. */
  mode?: SslMode;
  /** PEM bundle of the CA(s) that sign the server certificate (the cloud provider's CA). */
  ca?: string;
}

/** A Visor database connection, as in Visor's `scheduler.storage.connection`. */
export interface VisorConnection {
  /** Default: inferred from `url`'s scheme (`postgres(ql)://`, `mysql://`/`mariadb://`, `mssql://`/`sqlserver://`), else `postgresql`. */
  driver?: VisorDriver;
  /** A connection URL; fields given alongside it override its parts. `sslmode` in its query is honoured. */
  url?: string;
  host?: string;
  /** Default: 5432 (PostgreSQL), 3306 (MySQL), 1433 (SQL Server). */
  port?: number;
  /** Default `visor`. */
  database?: string;
  user?: string;
  password?: string;
  /** `true` = `{ mode: "require" }`; default: no TLS. */
  ssl?: boolean | VisorSsl;
}

export interface ResolvedConnection {
  driver: VisorDriver;
  host: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  ssl?: Required<Pick<VisorSsl, "mode">> & VisorSsl;
}

export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionError";
  }
}

const SCHEMES: Record<string, VisorDriver> = {
  "postgres:": "postgresql",
  "postgresql:": "postgresql",
  "mysql:": "mysql",
  "mariadb:": "mysql",
  "mssql:": "mssql",
  "sqlserver:": "mssql",
};
const DEFAULT_PORTS: Record<VisorDriver, number> = { postgresql: 5432, mysql: 3306, mssql: 1433 };
export const KNEX_CLIENTS: Record<VisorDriver, string> = { postgresql: "pg", mysql: "mysql2", mssql: "mssql" };
/** The npm package each dialect's knex client loads: pg is a dependency, mysql2 and tedious optional peers. */
const DRIVER_PACKAGES: Record<VisorDriver, string> = { postgresql: "pg", mysql: "mysql2", mssql: "tedious" };

function normaliseSsl(ssl: VisorConnection["ssl"]): ResolvedConnection["ssl"] {
  if (ssl === undefined || ssl === false) return undefined;
  if (ssl === true) return { mode: "require" };
  const mode = ssl.mode ?? (ssl.ca ? "verify-full" : "require");
  if (!SSL_MODES.includes(mode)) {
    throw new ConnectionError(`connection.ssl.mode must be one of ${SSL_MODES.join(", ")} (got ${JSON.stringify(mode)})`);
  }
  return mode === "disable" ? undefined : { ...ssl, mode };
}

/** Fills defaults, parses `url`, validates; errors name the field and never contain the password. */
export function resolveConnection(conn: VisorConnection): ResolvedConnection {
  let fromUrl: Partial<ResolvedConnection> & { sslmode?: string } = {};
  if (conn.url) {
    let u: URL;
    try {
      u = new URL(conn.url);
    } catch {
      // Never repeat the URL: an unencoded password can defeat any pattern-based redaction.
      throw new ConnectionError(
        "connection.url is not a valid URL (expected scheme://user:password@host:port/database; percent-encode special characters)",
      );
    }
    const driver = SCHEMES[u.protocol];
    if (!driver) {
      throw new ConnectionError(
        `connection.url scheme must be one of ${Object.keys(SCHEMES)
          .map((s) => s.replace(":", ""))
          .join(", ")} (got ${JSON.stringify(u.protocol.replace(":", ""))})`,
      );
    }
    fromUrl = {
      driver,
      host: decodeURIComponent(u.hostname.replace(/^\[|\]$/g, "")) || undefined,
      port: u.port ? Number(u.port) : undefined,
      database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      sslmode: u.searchParams.get("sslmode") ?? undefined,
    };
  }
  const driver = conn.driver ?? fromUrl.driver ?? "postgresql";
  if (!(driver in DEFAULT_PORTS)) {
    throw new ConnectionError(`connection.driver must be one of postgresql, mysql, mssql (got ${JSON.stringify(driver)})`);
  }
  if (conn.driver && fromUrl.driver && conn.driver !== fromUrl.driver) {
    throw new ConnectionError(`connection.driver ${conn.driver} contradicts the URL's scheme (${fromUrl.driver})`);
  }
  const host = conn.host ?? fromUrl.host;
  if (!host) throw new ConnectionError("connection.host is required (or a url with a host)");
  const port = conn.port ?? fromUrl.port ?? DEFAULT_PORTS[driver];
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConnectionError(`connection.port must be an integer from 1 to 65535 (got ${JSON.stringify(port)})`);
  }
  let ssl = normaliseSsl(conn.ssl);
  if (conn.ssl === undefined && fromUrl.sslmode) {
    const mode = fromUrl.sslmode === "prefer" || fromUrl.sslmode === "allow" ? "require" : fromUrl.sslmode;
    ssl = normaliseSsl({ mode: mode as SslMode });
  }
  return {
    driver,
    host,
    port,
    database: conn.database ?? fromUrl.database ?? "visor",
    user: conn.user ?? fromUrl.user,
    password: conn.password ?? fromUrl.password,
    ssl,
  };
}

/** `host:port/database` with the driver, for messages: never the password. */
export function describeEndpoint(conn: VisorConnection): string {
  const r = resolveConnection(conn);
  return `${r.driver}://${r.user ? `${r.user}@` : ""}${r.host}:${r.port}/${r.database}`;
}

function tlsOptions(r: ResolvedConnection): object | undefined {
  if (!r.ssl) return undefined;
  const base = r.ssl.ca ? { ca: r.ssl.ca } : {};
  switch (r.ssl.mode) {
    case "require":
      return { ...base, rejectUnauthorized: false };
    case "verify-ca":
      // Chain is verified; the host name is not (libpq's verify-ca).
      return { ...base, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    default:
      // SNI takes host names only; an IP is still checked against the certificate's IP SANs.
      return { ...base, rejectUnauthorized: true, ...(isIP(r.host) ? {} : { servername: r.host }) };
  }
}

export interface KnexOptions {
  /** Pool bounds; default min 0, max 2 (the smoke test's nodes each want their own connection). */
  pool?: { min?: number; max?: number };
  /** Default 10 s. */
  connectTimeoutMs?: number;
}

export function knexConfig(conn: VisorConnection, options: KnexOptions = {}): Knex.Config {
  const r = resolveConnection(conn);
  const timeout = options.connectTimeoutMs ?? 10_000;
  const ssl = tlsOptions(r);
  let connection: Record<string, unknown>;
  switch (r.driver) {
    case "postgresql":
      connection = {
        host: r.host,
        port: r.port,
        database: r.database,
        user: r.user,
        password: r.password,
        ssl: ssl ?? false,
        connectionTimeoutMillis: timeout,
      };
      break;
    case "mysql":
      // bigNumberStrings: BIGINT epoch ms come back exactly, as strings, like node-pg's.
      connection = {
        host: r.host,
        port: r.port,
        database: r.database,
        user: r.user,
        password: r.password,
        ssl,
        connectTimeout: timeout,
        supportBigNumbers: true,
        bigNumberStrings: true,
      };
      break;
    case "mssql":
      connection = {
        server: r.host,
        port: r.port,
        database: r.database,
        user: r.user,
        password: r.password,
        options: { encrypt: Boolean(ssl), trustServerCertificate: r.ssl?.mode === "require" },
        connectionTimeout: timeout,
      };
      break;
  }
  return {
    client: KNEX_CLIENTS[r.driver],
    connection,
    pool: { min: options.pool?.min ?? 0, max: options.pool?.max ?? 2 },
    acquireConnectionTimeout: timeout + 2_000,
    // Every failure reaches the caller as a rejected promise (and, redacted, as a check result or error);
    // knex's own console logging would print connection errors, with SQL, a second time.
    log: { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined },
  };
}

/** One line naming the package to install, rather than knex's multi-line "Knex: run $ npm install …". */
function assertDriverInstalled(driver: VisorDriver): void {
  // pg is a dependency (and inside the runner bundle, where nothing can be resolved by name).
  if (driver === "postgresql") return;
  const pkg = DRIVER_PACKAGES[driver];
  try {
    require.resolve(pkg);
  } catch {
    throw new ConnectionError(
      `connection.driver ${driver} needs the ${pkg} package (an optional peer dependency): npm install ${pkg}`,
    );
  }
}

/** Opens a knex instance; knex and the driver are imported here, at call time. */
export async function openKnex(conn: VisorConnection, options: KnexOptions = {}): Promise<Knex> {
  const config = knexConfig(conn, options);
  assertDriverInstalled(resolveConnection(conn).driver);
  const { default: knex } = await import("knex");
  return knex(config);
}

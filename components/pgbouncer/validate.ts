/**
 * Validates {@link PgBouncerConfigOptions} and fills in defaults, so the
 * renderer only ever formats known-good values. The first problem found is
 * thrown as one {@link PgBouncerConfigError}.
 */
import { bool, fail, int, knownKeys, line, list, name, oneOf, record, show, showType, unique } from "./checks";
import {
  AUTH_TYPES,
  PGBOUNCER_CONFIG_DEFAULTS as D,
  POOL_MODES,
  SSL_MODES,
  type AuthType,
  type PgBouncerClientTls,
  type PgBouncerConfigOptions,
  type PgBouncerServerTls,
  type PoolMode,
} from "./options";
import { isMd5Verifier, parseScramVerifier, SCRAM_MAX_ITERATIONS } from "./scram";
import { PGBOUNCER_SETTINGS } from "./settings";

const ROOT = "pgbouncer";
const MAX_POOL = 10_000;
const MAX_CONN = 1_000_000;

export interface ResolvedDatabase {
  name: string;
  host: string;
  port: number;
  /** Absent only for the `*` fallback, where pgbouncer uses the client's database name. */
  dbname?: string;
  poolSize?: number;
}

export type ResolvedUser =
  { name: string; verifier: string } | { name: string; password: string; salt?: Buffer; iterations?: number };

/** Options after validation, with defaults applied. */
export interface ResolvedPgBouncerConfig {
  databases: ResolvedDatabase[];
  users: ResolvedUser[];
  listenAddr: string;
  listenPort: number;
  poolMode: PoolMode;
  defaultPoolSize: number;
  minPoolSize: number;
  reservePoolSize: number;
  maxClientConn: number;
  maxDbConnections: number;
  authType: AuthType;
  authFile: string;
  serverResetQueryAlways: boolean;
  serverResetQuery: string;
  ignoreStartupParameters: string[];
  serverTls?: PgBouncerServerTls;
  clientTls?: PgBouncerClientTls;
  logFile?: string;
  pidFile?: string;
  unixSocketDir?: string;
  adminUsers?: string[];
  statsUsers?: string[];
  maxPreparedStatements?: number;
  extra: [string, string | number][];
}

// A Record, so the compiler flags any option this list forgets.
// prettier-ignore
const TOP_KEYS = Object.keys({
  databases: 1, users: 1, listenAddr: 1, listenPort: 1, poolMode: 1, defaultPoolSize: 1, minPoolSize: 1,
  reservePoolSize: 1, maxClientConn: 1, maxDbConnections: 1, authType: 1, authFile: 1, serverResetQueryAlways: 1,
  serverResetQuery: 1, ignoreStartupParameters: 1, serverTls: 1, clientTls: 1, logFile: 1, pidFile: 1,
  unixSocketDir: 1, adminUsers: 1, statsUsers: 1, maxPreparedStatements: 1, extra: 1,
} satisfies Record<keyof PgBouncerConfigOptions, 1>);

/** Checks every option and returns them with defaults applied. */
export function resolvePgBouncerConfig(options: PgBouncerConfigOptions): ResolvedPgBouncerConfig {
  const o = record(ROOT, options);
  knownKeys(ROOT, o, TOP_KEYS);
  const f = (key: string) => `${ROOT}.${key}`;
  const opt = <T>(key: string, check: (field: string, v: unknown) => T): T | undefined =>
    o[key] === undefined ? undefined : check(f(key), o[key]);

  const authType = oneOf(f("authType"), o.authType ?? D.authType, AUTH_TYPES);
  const defaultPoolSize = int(f("defaultPoolSize"), o.defaultPoolSize ?? D.defaultPoolSize, 1, MAX_POOL);
  return {
    databases: databases(o.databases),
    users: users(o.users, authType),
    listenAddr: line(f("listenAddr"), o.listenAddr ?? D.listenAddr),
    listenPort: int(f("listenPort"), o.listenPort ?? D.listenPort, 1, 65535),
    poolMode: oneOf(f("poolMode"), o.poolMode ?? D.poolMode, POOL_MODES),
    defaultPoolSize,
    minPoolSize: int(f("minPoolSize"), o.minPoolSize ?? D.minPoolSize, 0, defaultPoolSize, ", i.e. at most defaultPoolSize"),
    reservePoolSize: int(f("reservePoolSize"), o.reservePoolSize ?? D.reservePoolSize, 0, MAX_POOL),
    maxClientConn: int(
      f("maxClientConn"),
      o.maxClientConn ?? D.maxClientConn,
      defaultPoolSize,
      MAX_CONN,
      ", i.e. at least defaultPoolSize",
    ),
    maxDbConnections: int(f("maxDbConnections"), o.maxDbConnections ?? D.maxDbConnections, 0, MAX_CONN, "; 0 means unlimited"),
    authType,
    authFile: line(f("authFile"), o.authFile ?? D.authFile),
    serverResetQueryAlways: bool(f("serverResetQueryAlways"), o.serverResetQueryAlways ?? D.serverResetQueryAlways),
    serverResetQuery: line(f("serverResetQuery"), o.serverResetQuery ?? D.serverResetQuery, true),
    ignoreStartupParameters: parameterNames(o.ignoreStartupParameters ?? [...D.ignoreStartupParameters]),
    serverTls: opt("serverTls", serverTls),
    clientTls: opt("clientTls", clientTls),
    logFile: opt("logFile", (field, v) => line(field, v)),
    pidFile: opt("pidFile", (field, v) => line(field, v)),
    unixSocketDir: opt("unixSocketDir", (field, v) => line(field, v, true)),
    adminUsers: opt("adminUsers", roleList),
    statsUsers: opt("statsUsers", roleList),
    maxPreparedStatements: opt("maxPreparedStatements", (field, v) => int(field, v, 0, MAX_POOL * 10)),
    extra: extra(o.extra ?? {}),
  };
}

// pgbouncer 1.18's ini parser reads keys from these characters only and
// rejects any quoting, so other names cannot be written at all.
const DB_KEY = /^(?:[A-Za-z0-9_.-]+|\*)$/;
const DB_KEY_ALLOWED =
  'made of letters, digits, "_", "." and "-" (what pgbouncer reads in [databases] keys), or "*" for the fallback entry';

function databases(value: unknown): ResolvedDatabase[] {
  const seen = new Set<string>();
  return list(`${ROOT}.databases`, value, true).map((entry, i) => {
    const field = `${ROOT}.databases[${i}]`;
    const d = record(field, entry);
    knownKeys(field, d, ["name", "host", "port", "dbname", "poolSize"]);
    const dbName = name(`${field}.name`, d.name);
    if (!DB_KEY.test(dbName)) fail(`${field}.name`, DB_KEY_ALLOWED, show(dbName));
    if (dbName === "pgbouncer")
      fail(`${field}.name`, 'a name other than "pgbouncer" (reserved for the admin console)', show(dbName));
    unique(`${field}.name`, dbName, seen, `${ROOT}.databases`);
    return {
      name: dbName,
      host: line(`${field}.host`, d.host),
      port: int(`${field}.port`, d.port ?? D.databasePort, 1, 65535),
      // For "*" the client's database name is the right target, so don't pin one.
      dbname: d.dbname !== undefined ? name(`${field}.dbname`, d.dbname) : dbName === "*" ? undefined : dbName,
      poolSize: d.poolSize === undefined ? undefined : int(`${field}.poolSize`, d.poolSize, 1, MAX_POOL),
    };
  });
}

function users(value: unknown, authType: AuthType): ResolvedUser[] {
  const seen = new Set<string>();
  return list(`${ROOT}.users`, value, true).map((entry, i) => {
    const field = `${ROOT}.users[${i}]`;
    const u = record(field, entry);
    knownKeys(field, u, ["name", "password", "verifier", "salt", "iterations"]);
    const userName = name(`${field}.name`, u.name);
    unique(`${field}.name`, userName, seen, `${ROOT}.users`);
    if ((u.password === undefined) === (u.verifier === undefined)) {
      fail(field, "an object with exactly one of password or verifier");
    }
    return u.verifier !== undefined ? verifierUser(field, userName, u, authType) : passwordUser(field, userName, u, authType);
  });
}

function verifierUser(field: string, userName: string, u: Record<string, unknown>, authType: AuthType): ResolvedUser {
  if (u.salt !== undefined || u.iterations !== undefined) {
    fail(`${field}.salt`, "absent with verifier (salt/iterations only apply to password)");
  }
  const v = u.verifier;
  const scram = typeof v === "string" && isScram(v);
  if (!scram && !(authType === "md5" && typeof v === "string" && isMd5Verifier(v))) {
    // Never echo the verifier: md5 ones are password-equivalent.
    const accepted =
      authType === "md5"
        ? "a SCRAM-SHA-256$… or md5… verifier"
        : 'a SCRAM-SHA-256$… verifier (md5 verifiers need authType "md5")';
    fail(`${field}.verifier`, accepted, showType(v));
  }
  return { name: userName, verifier: v as string };
}

function passwordUser(field: string, userName: string, u: Record<string, unknown>, authType: AuthType): ResolvedUser {
  if (typeof u.password !== "string" || u.password.length === 0) {
    fail(`${field}.password`, "a non-empty string", showType(u.password));
  }
  if (authType === "md5" && (u.salt !== undefined || u.iterations !== undefined)) {
    fail(`${field}.salt`, 'absent with authType "md5" (salt/iterations only apply to SCRAM)');
  }
  if (u.salt !== undefined && (!Buffer.isBuffer(u.salt) || u.salt.length === 0)) {
    fail(`${field}.salt`, "a non-empty Buffer", show(u.salt));
  }
  const iterations = u.iterations === undefined ? undefined : int(`${field}.iterations`, u.iterations, 1, SCRAM_MAX_ITERATIONS);
  return { name: userName, password: u.password, salt: u.salt as Buffer | undefined, iterations };
}

function isScram(v: string): boolean {
  try {
    parseScramVerifier(v);
    return true;
  } catch {
    return false;
  }
}

function serverTls(field: string, value: unknown): PgBouncerServerTls {
  const t = record(field, value);
  knownKeys(field, t, ["sslmode", "caFile"]);
  const caFile = t.caFile === undefined ? undefined : line(`${field}.caFile`, t.caFile);
  return { sslmode: oneOf(`${field}.sslmode`, t.sslmode, SSL_MODES), ...(caFile === undefined ? {} : { caFile }) };
}

function clientTls(field: string, value: unknown): PgBouncerClientTls {
  const t = record(field, value);
  knownKeys(field, t, ["sslmode", "keyFile", "certFile", "caFile"]);
  const caFile = t.caFile === undefined ? undefined : line(`${field}.caFile`, t.caFile);
  return {
    sslmode: oneOf(`${field}.sslmode`, t.sslmode, SSL_MODES),
    keyFile: line(`${field}.keyFile`, t.keyFile),
    certFile: line(`${field}.certFile`, t.certFile),
    ...(caFile === undefined ? {} : { caFile }),
  };
}

/** admin_users / stats_users are comma-separated, so entries cannot hold commas or spaces. */
function roleList(field: string, value: unknown): string[] {
  return list(field, value, false).map((entry, i) => {
    const role = name(`${field}[${i}]`, entry);
    if (/[\s,]/.test(role)) fail(`${field}[${i}]`, "a role name without commas or whitespace", show(role));
    return role;
  });
}

function parameterNames(value: unknown): string[] {
  const field = `${ROOT}.ignoreStartupParameters`;
  return list(field, value, false).map((entry, i) => {
    if (typeof entry !== "string" || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(entry)) {
      fail(`${field}[${i}]`, "a parameter name ([A-Za-z_][A-Za-z0-9_.]*)", show(entry));
    }
    return entry;
  });
}

const MANAGED = new Map(PGBOUNCER_SETTINGS.map((s) => [s.key, s.option]));

function extra(value: unknown): [string, string | number][] {
  const field = `${ROOT}.extra`;
  return Object.entries(record(field, value)).map(([key, v]): [string, string | number] => {
    if (!/^[a-z][a-z0-9_]*$/.test(key))
      fail(`${field}[${JSON.stringify(key)}]`, "keyed by a lowercase identifier ([a-z][a-z0-9_]*)");
    const option = MANAGED.get(key);
    if (option !== undefined) fail(`${field}.${key}`, `absent: it is controlled by ${ROOT}.${option}`);
    // Values are not echoed: extra may carry things like auth_query or key paths.
    if (typeof v === "number") {
      if (!Number.isFinite(v)) fail(`${field}.${key}`, "a finite number or a single-line string", String(v));
      return [key, v];
    }
    if (typeof v !== "string" || /[\x00-\x1f\x7f]/.test(v)) {
      fail(`${field}.${key}`, "a finite number or a single-line string", showType(v));
    }
    return [key, v];
  });
}

// Validation of the shared vocabulary, once for all clouds: names, retention, tuning, pool sizes,
// Visor's HA settings, the bootstrap and raw parameter names.
import { DEFAULT_HEARTBEAT_SECONDS, DEFAULT_LOCK_TTL_SECONDS, HEARTBEAT_RATIO } from "../visor/ha-rules";
import { MIN_RETENTION_DAYS, POOL_DEFAULTS } from "./defaults";
import { optIn } from "./rules";
import { resolveTuning, tuningLeftToCloud, type ResolvedTuning, type TuningBasis, type VisorTuning } from "./tuning";
import type { Validator } from "./validation";
import type { VisorBootstrapSettings, VisorDatabaseArgsBase } from "./args";

export interface ResolvedBase {
  databaseName: string;
  appUser: string;
  retentionDays: number;
  /** Numbers (bytes, counts); each cloud converts them to its units as its last step. */
  tuning: ResolvedTuning;
  /** Tuning parameters the cloud sizes itself (not set by the user): left out of what is sent. */
  tuningLeftToCloud: (keyof VisorTuning)[];
  pool: { defaultPoolSize: number; minPoolSize: number; maxClientConn: number };
  ha: { lockTtlMs: number; heartbeatMs: number };
  bootstrap: false | Required<VisorBootstrapSettings>;
  deletionProtection: boolean;
  tags: Record<string, string>;
  /** Raw parameter overrides (cloud names and units), name-checked. */
  parameters: Record<string, string>;
}

export interface BaseLimits {
  /** The cloud's largest backup / PITR retention in days (the smallest is always MIN_RETENTION_DAYS). */
  maxRetentionDays: number;
  /** What the tuning defaults are sized for. */
  tuningBasis?: TuningBasis;
}

export function validateBase(validator: Validator, args: VisorDatabaseArgsBase, limits: BaseLimits): ResolvedBase {
  const retentionDays = validator.int(
    "retentionDays",
    args.retentionDays,
    MIN_RETENTION_DAYS,
    limits.maxRetentionDays,
    MIN_RETENTION_DAYS,
  );
  const tuningArgs = withRawMaxConnections(validator, args);
  const tuning = resolveTuning(tuningArgs, validator, limits.tuningBasis);
  const pool = resolvePool(validator, args.pool, tuning.maxConnections);

  const lockTtlSeconds = validator.int("ha.lockTtlSeconds", args.ha?.lockTtlSeconds, 1, 86_400, DEFAULT_LOCK_TTL_SECONDS);
  const heartbeatSeconds = validator.number(
    "ha.heartbeatIntervalSeconds",
    args.ha?.heartbeatIntervalSeconds,
    0.1,
    86_400,
    DEFAULT_HEARTBEAT_SECONDS,
  );
  const heartbeatLimit = lockTtlSeconds / HEARTBEAT_RATIO;
  validator.require(
    heartbeatSeconds < heartbeatLimit,
    "ha.heartbeatIntervalSeconds",
    `below ha.lockTtlSeconds / ${HEARTBEAT_RATIO} (${heartbeatLimit.toFixed(1)}), as the guide requires`,
    heartbeatSeconds,
  );

  const bootstrapArgs = optIn<VisorBootstrapSettings>(validator, "bootstrap", args.bootstrap);
  const bootstrap: ResolvedBase["bootstrap"] = bootstrapArgs && {
    smokeTest: validator.bool("bootstrap.smokeTest", bootstrapArgs.smokeTest, true),
    nodes: validator.int("bootstrap.nodes", bootstrapArgs.nodes, 2, 32, 3),
    rerunOnEveryUp: validator.bool("bootstrap.rerunOnEveryUp", bootstrapArgs.rerunOnEveryUp, true),
    retainOnDelete: validator.bool("bootstrap.retainOnDelete", bootstrapArgs.retainOnDelete, true),
    connectTimeoutMs: validator.int("bootstrap.connectTimeoutMs", bootstrapArgs.connectTimeoutMs, 0, 3_600_000, 300_000),
  };

  const parameters = { ...args.parameters };
  for (const [name, value] of Object.entries(parameters)) {
    validator.require(
      /^[a-z][a-z0-9_.]*$/.test(name),
      `parameters.${name}`,
      "a PostgreSQL parameter name (lower case, digits, _ and .)",
      name,
    );
    validator.require(typeof value === "string", `parameters.${name}`, "a string value", value);
  }
  return {
    databaseName: validator.identifier("databaseName", args.databaseName, "visor"),
    appUser: validator.identifier("appUser", args.appUser, "visor"),
    retentionDays,
    tuning,
    tuningLeftToCloud: tuningLeftToCloud(tuningArgs, limits.tuningBasis),
    pool,
    ha: { lockTtlMs: lockTtlSeconds * 1000, heartbeatMs: Math.round(heartbeatSeconds * 1000) },
    bootstrap,
    deletionProtection: validator.bool("deletionProtection", args.deletionProtection, true),
    tags: { "managed-by": "visor-db-infra", ...args.tags },
    parameters,
  };
}

/**
 * A raw `parameters.max_connections` is what the server gets, so the checks that depend on it (pool sizes,
 * alarms) must use it too: it becomes the effective tuning.maxConnections.
 */
function withRawMaxConnections(validator: Validator, args: VisorDatabaseArgsBase): Partial<VisorTuning> {
  const raw = args.parameters?.max_connections;
  if (raw === undefined) return { ...args.tuning };
  validator.require(/^\d+$/.test(String(raw)), "parameters.max_connections", "a whole number as a string", raw);
  const value = Number(raw);
  const tuned = args.tuning?.maxConnections;
  validator.require(
    tuned === undefined || tuned === value,
    "parameters.max_connections",
    `equal to tuning.maxConnections (${tuned}) or left out (set one of the two)`,
    raw,
  );
  return { ...args.tuning, maxConnections: value };
}

function resolvePool(validator: Validator, pool: VisorDatabaseArgsBase["pool"], maxConnections: number): ResolvedBase["pool"] {
  const defaultPoolSize = validator.int("pool.defaultPoolSize", pool?.defaultPoolSize, 1, 10_000, POOL_DEFAULTS.defaultPoolSize);
  const minPoolSize = validator.int("pool.minPoolSize", pool?.minPoolSize, 0, 10_000, POOL_DEFAULTS.minPoolSize);
  const maxClientConn = validator.int("pool.maxClientConn", pool?.maxClientConn, 1, 100_000, POOL_DEFAULTS.maxClientConn);
  validator.require(
    minPoolSize <= defaultPoolSize,
    "pool.minPoolSize",
    `at most pool.defaultPoolSize (${defaultPoolSize})`,
    minPoolSize,
  );
  validator.require(
    maxClientConn >= defaultPoolSize,
    "pool.maxClientConn",
    `at least pool.defaultPoolSize (${defaultPoolSize})`,
    maxClientConn,
  );
  validator.require(
    defaultPoolSize < maxConnections,
    "pool.defaultPoolSize",
    `below tuning.maxConnections (${maxConnections}), leaving room for admin connections`,
    defaultPoolSize,
  );
  return { defaultPoolSize, minPoolSize, maxClientConn };
}

// Validation of the shared vocabulary, once for all clouds.
import { resolveTuning } from "./tuning";
import { Validator } from "./validation";
import type { VisorBootstrapSettings, VisorDatabaseArgsBase } from "./args";

export interface ResolvedBase {
  databaseName: string;
  appUser: string;
  retentionDays: number;
  tuning: Record<string, string>;
  pool: { defaultPoolSize: number; minPoolSize: number; maxClientConn: number };
  ha: { lockTtlMs: number; heartbeatMs: number };
  bootstrap: false | Required<VisorBootstrapSettings>;
  deletionProtection: boolean;
  tags: Record<string, string>;
}

export function validateBase(
  v: Validator,
  args: VisorDatabaseArgsBase,
  limits: { retentionDays: [min: number, max: number]; defaultRetentionDays?: number },
): ResolvedBase {
  const [minR, maxR] = limits.retentionDays;
  const retentionDays = v.int("retentionDays", args.retentionDays, minR, maxR, limits.defaultRetentionDays ?? 7);
  const tuningList = resolveTuning(args.tuning, v.component);
  const tuning = Object.fromEntries(tuningList.map((s) => [s.name, s.value]));
  const maxConnections = Number(tuning.max_connections);
  const defaultPoolSize = v.int("pool.defaultPoolSize", args.pool?.defaultPoolSize, 1, 10_000, 20);
  const minPoolSize = v.int("pool.minPoolSize", args.pool?.minPoolSize, 0, 10_000, 0);
  const maxClientConn = v.int("pool.maxClientConn", args.pool?.maxClientConn, 1, 100_000, 200);
  v.require(minPoolSize <= defaultPoolSize, "pool.minPoolSize", `at most pool.defaultPoolSize (${defaultPoolSize})`, minPoolSize);
  v.require(
    maxClientConn >= defaultPoolSize,
    "pool.maxClientConn",
    `at least pool.defaultPoolSize (${defaultPoolSize})`,
    maxClientConn,
  );
  v.require(
    defaultPoolSize < maxConnections,
    "pool.defaultPoolSize",
    `below tuning.maxConnections (${maxConnections}), leaving room for admin connections`,
    defaultPoolSize,
  );
  const lockTtlSeconds = v.int("ha.lockTtlSeconds", args.ha?.lockTtlSeconds, 1, 86_400, 60);
  const heartbeat = v.number("ha.heartbeatIntervalSeconds", args.ha?.heartbeatIntervalSeconds, 0.1, 86_400, 15);
  v.require(
    heartbeat < lockTtlSeconds / 3,
    "ha.heartbeatIntervalSeconds",
    `below ha.lockTtlSeconds / 3 (${(lockTtlSeconds / 3).toFixed(1)}), as the guide requires`,
    heartbeat,
  );
  let bootstrap: ResolvedBase["bootstrap"] = false;
  if (args.bootstrap !== false) {
    const b = args.bootstrap === true || args.bootstrap === undefined ? {} : args.bootstrap;
    bootstrap = {
      smokeTest: v.bool("bootstrap.smokeTest", b.smokeTest, true),
      nodes: v.int("bootstrap.nodes", b.nodes, 2, 32, 3),
      rerunOnEveryUp: v.bool("bootstrap.rerunOnEveryUp", b.rerunOnEveryUp, true),
      retainOnDelete: v.bool("bootstrap.retainOnDelete", b.retainOnDelete, true),
      connectTimeoutMs: v.int("bootstrap.connectTimeoutMs", b.connectTimeoutMs, 0, 3_600_000, 300_000),
    };
  }
  for (const [k, val] of Object.entries(args.parameters ?? {})) {
    v.require(/^[a-z][a-z0-9_.]*$/.test(k), `parameters.${k}`, "a PostgreSQL parameter name (lower case, digits, _ and .)", k);
    v.require(typeof val === "string", `parameters.${k}`, "a string value", val);
  }
  return {
    databaseName: v.identifier("databaseName", args.databaseName, "visor"),
    appUser: v.identifier("appUser", args.appUser, "visor"),
    retentionDays,
    tuning,
    pool: { defaultPoolSize, minPoolSize, maxClientConn },
    ha: { lockTtlMs: lockTtlSeconds * 1000, heartbeatMs: Math.round(heartbeat * 1000) },
    bootstrap,
    deletionProtection: v.bool("deletionProtection", args.deletionProtection, true),
    tags: { "managed-by": "visor-db-infra", ...args.tags },
  };
}

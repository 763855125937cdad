// Server parameters: the guide's "Performance Tuning" sized to the SKU, in Azure's units (8 kB pages and kB,
// converted by the shared tuning), pg_stat_statements that records ("Monitoring"), TLS, the built-in
// PgBouncer ("Connection Pooling with PgBouncer": transaction mode, the guide's pool sizes), then the user's
// raw parameters. One `Configuration` per parameter, each waiting for the previous (see chain.ts).
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as pulumi from "@pulumi/pulumi";
import { postgresParameters } from "../shared/tuning";
import type { ServerOperationChain } from "./chain";
import type { AzureBuild } from "./context";
import { PRELOAD_DEFAULTS } from "./defaults";
import type { ResolvedAzure } from "./resolved";

/** Parameters whose value is a comma-separated list: ours are merged into the user's, never dropped. */
const LIST_PARAMETERS = ["shared_preload_libraries", "azure.extensions"];

/**
 * Parameters a replica must hold at least at the primary's value (Azure refuses to start a replica below
 * them). Azure copies parameters only when it creates a replica, so the component sets them on replicas too.
 */
export const RECOVERY_PARAMETERS = [
  "max_connections",
  "max_prepared_transactions",
  "max_locks_per_transaction",
  "max_wal_senders",
  "max_worker_processes",
] as const;

/** "a, b" + "b,c" → "a,b,c": order kept, duplicates dropped. */
export function mergeList(...lists: string[]): string {
  const items = lists.flatMap((l) => l.split(",").map((s) => s.trim())).filter((s) => s !== "");
  return [...new Set(items)].join(",");
}

/** The parameters to set on the primary, in the order they are applied. A user value replaces ours in place. */
export function serverParameters(
  settings: ResolvedAzure,
  userParameters: Record<string, string> = settings.base.parameters,
): [string, string][] {
  const list: [string, string][] = [
    // The guide's ratios on the SKU's memory, as numbers in Azure's units (8 kB pages and kB).
    ...Object.entries(postgresParameters(settings.base.tuning, settings.base.tuningLeftToCloud)),
    // Static: Azure's default for the version already preloads pg_stat_statements (PG 18:
    // pg_cron,pg_stat_statements), so this equals the default and needs no restart; a user list is merged.
    [
      "shared_preload_libraries",
      mergeList(userParameters.shared_preload_libraries ?? PRELOAD_DEFAULTS[settings.version]!, "pg_stat_statements"),
    ],
    // Azure's default is `none`: the view exists but records nothing. Dynamic.
    ["pg_stat_statements.track", "top"],
    // CREATE EXTENSION fails for a name missing from Azure's allow-list (default empty). Dynamic.
    ["azure.extensions", mergeList(userParameters["azure.extensions"] ?? "", "pg_stat_statements")],
    // Azure's default, pinned: Visor connects with verify-full.
    ["require_secure_transport", "on"],
  ];
  if (settings.pgbouncer) {
    list.push(
      // Enabled first: Azure hides the other pgbouncer.* parameters until it is true.
      ["pgbouncer.enabled", "true"],
      // Azure documents the modes in lower case (transaction is its default). Visor's locks are single
      // statements: transaction mode is safe.
      ["pgbouncer.pool_mode", "transaction"],
      ["pgbouncer.default_pool_size", String(settings.base.pool.defaultPoolSize)],
      ["pgbouncer.min_pool_size", String(settings.base.pool.minPoolSize)],
      ["pgbouncer.max_client_conn", String(settings.base.pool.maxClientConn)],
    );
  }
  for (const [name, value] of Object.entries(userParameters).sort(([a], [b]) => a.localeCompare(b))) {
    if (LIST_PARAMETERS.includes(name)) continue;
    const i = list.findIndex(([n]) => n === name);
    if (i >= 0) list[i] = [name, value];
    else list.push([name, value]);
  }
  return list;
}

/** What each replica gets: the primary's recovery parameters (Azure does not copy later changes). */
export function replicaParameters(primary: [string, string][]): [string, string][] {
  return primary.filter(([name]) => (RECOVERY_PARAMETERS as readonly string[]).includes(name));
}

/** Pulumi name of a parameter's Configuration child. */
export function configurationChildName(name: string, parameter: string): string {
  return `${name}-param-${parameter.replace(/[^a-z0-9]+/gi, "-")}`;
}

/** One Configuration per parameter on `server` (the primary or a replica), each after the previous. */
export function createConfigurations(
  ctx: AzureBuild,
  server: dbforpostgresql.Server,
  parameters: [string, string][],
  chain: ServerOperationChain,
  childPrefix: string = ctx.name,
): dbforpostgresql.Configuration[] {
  const resourceGroupName: pulumi.Input<string> = ctx.settings.resourceGroupName;
  return parameters.map(([parameter, value]) =>
    chain.add((dependsOn) => {
      const [a, o] = ctx.children.prepare(
        "configuration",
        { resourceGroupName, serverName: server.name, configurationName: parameter, value, source: "user-override" },
        { dependsOn },
      );
      return new dbforpostgresql.Configuration(configurationChildName(childPrefix, parameter), a, o);
    }),
  );
}

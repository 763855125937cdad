// Server parameters: the guide's "Performance Tuning" in Azure's units (8 kB pages and kB, already
// converted by the shared tuning), pg_stat_statements ("Monitoring"), TLS, the built-in PgBouncer
// ("Connection Pooling with PgBouncer": transaction mode, the guide's pool sizes), then the user's raw
// parameters. One `Configuration` per parameter, each waiting for the previous (see chain.ts).
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type { ServerOperationChain } from "./chain";
import { postgresParameters } from "../shared/tuning";
import type { AzureBuild } from "./context";
import type { ResolvedAzure } from "./resolved";

/** The parameters to set, in the order they are applied. A user value replaces ours in place. */
export function serverParameters(
  settings: ResolvedAzure,
  userParameters: Record<string, string> = settings.base.parameters,
): [string, string][] {
  const list: [string, string][] = [
    // The last step of the tuning model: numbers to Azure's units (8 kB pages and kB).
    ...Object.entries(postgresParameters(settings.base.tuning)),
    // The guide's slow-query view needs the library preloaded (Azure restarts to apply it).
    ["shared_preload_libraries", "pg_stat_statements"],
    // Azure's default, pinned: Visor connects with verify-full.
    ["require_secure_transport", "on"],
  ];
  if (settings.pgbouncer) {
    list.push(
      // Enabled first: Azure hides the other pgbouncer.* parameters until it is true.
      ["pgbouncer.enabled", "true"],
      // Azure spells the modes in upper case. Visor's locks are single statements: transaction mode is safe.
      ["pgbouncer.pool_mode", "TRANSACTION"],
      ["pgbouncer.default_pool_size", String(settings.base.pool.defaultPoolSize)],
      ["pgbouncer.min_pool_size", String(settings.base.pool.minPoolSize)],
      ["pgbouncer.max_client_conn", String(settings.base.pool.maxClientConn)],
    );
  }
  for (const [name, value] of Object.entries(userParameters).sort(([a], [b]) => a.localeCompare(b))) {
    const i = list.findIndex(([n]) => n === name);
    if (i >= 0) list[i] = [name, value];
    else list.push([name, value]);
  }
  return list;
}

/** Pulumi name of a parameter's Configuration child. */
export function configurationChildName(name: string, parameter: string): string {
  return `${name}-param-${parameter.replace(/[^a-z0-9]+/gi, "-")}`;
}

export function createConfigurations(
  ctx: AzureBuild,
  server: dbforpostgresql.Server,
  parameters: [string, string][],
  chain: ServerOperationChain,
): dbforpostgresql.Configuration[] {
  const { name } = ctx;
  const resourceGroupName = ctx.settings.resourceGroupName;
  return parameters.map(([parameter, value]) =>
    chain.add((dependsOn) => {
      const [a, o] = ctx.children.prepare(
        "configuration",
        { resourceGroupName, serverName: server.name, configurationName: parameter, value, source: "user-override" },
        { dependsOn },
      );
      return new dbforpostgresql.Configuration(configurationChildName(name, parameter), a, o);
    }),
  );
}

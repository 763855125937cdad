// Shared by the AzureVisorDatabase component tests: resource type tokens, a constructor with the minimal args, and
// the guide's server parameters. Import after setupAzureMocks(), which must run before the component loads.
import { AzureVisorDatabase, type AzureVisorDatabaseArgs } from "../../components/azure";
import { MINIMAL, byPrefix, settle } from "./helpers";

export const T = {
  server: "azure-native:dbforpostgresql:Server",
  config: "azure-native:dbforpostgresql:Configuration",
  firewall: "azure-native:dbforpostgresql:FirewallRule",
  ve: "azure-native:dbforpostgresql:VirtualEndpoint",
  entra: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
  vault: "azure-native:dataprotection:BackupVault",
  policy: "azure-native:dataprotection:BackupPolicy",
  instance: "azure-native:dataprotection:BackupInstance",
  role: "azure-native:authorization:RoleAssignment",
  alert: "azure-native:monitor:MetricAlert",
  kv: "azure-native:keyvault:Secret",
  schema: "pulumi-nodejs:dynamic/visor-db-infra:VisorSchema",
  smoke: "pulumi-nodejs:dynamic/visor-db-infra:VisorHaSmokeTest",
  pgRole: "postgresql:index/role:Role",
  pgProvider: "pulumi:providers:postgresql",
};

export async function make(name: string, extra: Partial<AzureVisorDatabaseArgs> = {}): Promise<AzureVisorDatabase> {
  const db = new AzureVisorDatabase(name, { ...MINIMAL, ...extra });
  await settle(db);
  return db;
}

export const ofType = (name: string, type: string) => byPrefix(name).filter((r) => r.type === type);

/** The default server's parameters (Standard_D2ds_v5: 8 GiB), in the order they are applied. */
export const GUIDE_PARAMETERS: [string, string][] = [
  // The guide's ratios on 8 GiB in Azure's units: 8 kB pages for shared_buffers (2 GiB, Azure's own
  // default for the size), effective_cache_size (4 GiB), wal_buffers; kB for *_mem.
  ["shared_buffers", "262144"],
  ["effective_cache_size", "524288"],
  ["work_mem", "4096"],
  ["maintenance_work_mem", "65536"],
  ["max_connections", "50"],
  ["checkpoint_completion_target", "0.9"],
  ["wal_buffers", "2048"],
  // PostgreSQL 18's default on Azure, kept: pg_cron stays, pg_stat_statements is there.
  ["shared_preload_libraries", "pg_cron,pg_stat_statements"],
  ["pg_stat_statements.track", "top"],
  ["azure.extensions", "pg_stat_statements"],
  ["require_secure_transport", "on"],
  ["pgbouncer.enabled", "true"],
  ["pgbouncer.pool_mode", "transaction"],
  ["pgbouncer.default_pool_size", "20"],
  ["pgbouncer.min_pool_size", "0"],
  ["pgbouncer.max_client_conn", "200"],
];

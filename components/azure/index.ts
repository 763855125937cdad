// visor-db-infra/azure: Visor's database on Azure Database for PostgreSQL Flexible Server. Loads only
// the azure-native submodules it uses (dbforpostgresql, dataprotection, authorization, monitor,
// keyvault) and never another cloud's SDK.
export {
  AzureVisorDatabase,
  geoBackupDriftMessage,
  POSTGRES_PORT,
  PGBOUNCER_PORT,
  type AzureVisorDatabaseResources,
} from "./component";
export type {
  AzureVisorDatabaseArgs,
  AzureVisorDatabaseTransforms,
  AzureReplicaSpec,
  AzureEntraAdmin,
  AzurePublicAccess,
  AzureLongTermRetention,
  AzureAlerts,
  AzureKeyVaultSecret,
  AzureSkuTier,
  AzureHighAvailability,
} from "./args";
export {
  validateAzure,
  AZURE_PG_VERSIONS,
  DEFAULT_PG_VERSION,
  AZURE_STORAGE_SIZES_GB,
  MAX_REPLICAS,
  type ResolvedAzure,
} from "./validate";
export { serverParameters } from "./parameters";
export { AZURE_POSTGRES_CA_PEM } from "./ca";
export type { AppConnectionDocument } from "./credentials";
export { VisorValidationError } from "../shared/validation";

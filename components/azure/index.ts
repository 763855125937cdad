// visor-db-infra/azure: Visor's database on Azure Database for PostgreSQL Flexible Server. Loads only
// the azure-native submodules it uses (dbforpostgresql, dataprotection, authorization, monitor,
// keyvault) and never another cloud's SDK.
export {
  AzureVisorDatabase,
  AZURE_VISOR_DATABASE_TYPE,
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
  AzurePooler,
} from "./args";
export { AZURE_PG_VERSIONS, AZURE_STORAGE_SIZES_GB, DEFAULT_PG_VERSION, MAX_REPLICAS } from "./defaults";
export { validateAzureArgs, validateAzure } from "./validate";
export type { ResolvedAzure } from "./resolved";
export { serverParameters } from "./parameters";
export { AZURE_POSTGRES_CA_PEM } from "./ca";
export type { AppConnectionDocument } from "../shared/app-connection";
export { VisorValidationError } from "../shared/validation";

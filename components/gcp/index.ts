// visor-db-infra/gcp: Visor's database on Google Cloud SQL. Loads @pulumi/gcp submodules only, no other cloud.
export { GcpVisorDatabase, POOLER_PORT, POSTGRES_PORT, type GcpVisorDatabaseResources } from "./component";
export {
  GCP_EDITIONS,
  GCP_POOLERS,
  GCP_SSL_MODES,
  type GcpEdition,
  type GcpIamDatabaseUser,
  type GcpMonitoringArgs,
  type GcpPgBouncerArgs,
  type GcpPooler,
  type GcpPrivateServiceAccessArgs,
  type GcpReplicaSpec,
  type GcpSslMode,
  type GcpVisorDatabaseArgs,
  type GcpVisorDatabaseTransforms,
} from "./args";
export { CLOUD_SQL_MANAGED_SETTINGS, DEFAULT_PG_MAJOR, DEFAULT_PGBOUNCER_IMAGE, DEFAULT_POOLER, DEFAULT_TIER, PITR_MAX_DAYS } from "./validate";
export { databaseFlags } from "./parameters";
export { VisorValidationError } from "../shared/validation";
export type { Endpoint, VisorDatabaseOutputs } from "../shared/args";

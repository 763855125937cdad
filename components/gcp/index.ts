// visor-db-infra/gcp: Visor's database on Google Cloud SQL. Loads @pulumi/gcp submodules only, no other cloud.
export {
  GcpVisorDatabase,
  GCP_VISOR_DATABASE_TYPE,
  POOLER_PORT,
  POSTGRES_PORT,
  type GcpVisorDatabaseResources,
} from "./component";
export {
  GCP_EDITIONS,
  GCP_POOLERS,
  GCP_SSL_MODES,
  type GcpAlertSettings,
  type GcpEdition,
  type GcpIamDatabaseUser,
  type GcpMonitoringArgs,
  type GcpOffsiteBackupArgs,
  type GcpPgBouncerArgs,
  type GcpPooler,
  type GcpPrivateServiceAccessArgs,
  type GcpReplicaSpec,
  type GcpReplicaSpec as ReplicaSpec,
  type GcpSslMode,
  type GcpVisorDatabaseArgs,
  type GcpVisorDatabaseTransforms,
} from "./args";
export {
  CLOUD_SQL_MANAGED_SETTINGS,
  DEFAULT_PG_MAJOR,
  DEFAULT_PGBOUNCER_IMAGE,
  DEFAULT_POOLER,
  DEFAULT_TIER,
  MAX_REPLICAS,
  PITR_MAX_DAYS,
} from "./defaults";
export { validateGcpArgs, validateGcp } from "./validate";
export type { ResolvedGcp } from "./resolved";
export {
  CLIENT_TLS_CERT_FILE,
  CLIENT_TLS_KEY_FILE,
  pgbouncerCloudInit,
  pgbouncerPayload,
  PGBOUNCER_PORT,
  type PgBouncerFiles,
} from "./pgbouncer-vm";
export { databaseFlags } from "./parameters";
export { VisorValidationError } from "../shared/validation";
export type { AppConnectionDocument } from "../shared/app-connection";
export type { Endpoint, VisorDatabaseOutputs } from "../shared/args";

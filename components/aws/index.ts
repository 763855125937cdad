// `visor-db-infra/aws`: Visor's PostgreSQL on AWS. Loads @pulumi/aws submodules only, never another cloud's SDK.
export { AwsVisorDatabase, AWS_VISOR_DATABASE_TYPE, type AwsVisorDatabaseResources } from "./component";
export type {
  AwsAlarmSettings,
  AwsBackupSettings,
  AwsEngine,
  AwsPoolerKind,
  AwsPoolerSettings,
  AwsVisorDatabaseArgs,
  AwsVisorDatabaseTransforms,
  ReplicaSpec,
} from "./args";
export {
  AWS_ENGINE_MAJORS,
  CA_CERTS,
  DEFAULT_CA_CERT,
  DEFAULT_ENGINE_MAJOR,
  DEFAULT_INSTANCE_CLASS,
  DEFAULT_PGBOUNCER_IMAGE,
  MONITORING_INTERVALS,
  OFFSITE_REGION_PAIRS,
  validateAwsArgs,
  type ResolvedAws,
} from "./validate";
export { awsParameters, type ParameterValue } from "./parameters";
export { PGBOUNCER_PORT, PGBOUNCER_START_SCRIPT } from "./pooler";
export type { Endpoint, VisorDatabaseOutputs } from "../shared/args";
export { VisorValidationError } from "../shared/validation";

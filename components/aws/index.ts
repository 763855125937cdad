// `visor-db-infra/aws`: Visor's PostgreSQL on AWS. Loads @pulumi/aws submodules only, never another cloud's SDK.
export { AwsVisorDatabase, AWS_VISOR_DATABASE_TYPE, type AwsVisorDatabaseResources } from "./component";
export type {
  AwsAlarmSettings,
  AwsBackupSettings,
  AwsBootstrapSettings,
  AwsBootstrapVia,
  AwsEngine,
  AwsParameterValue,
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
  FARGATE_MEMORY,
  MONITORING_INTERVALS,
  OFFSITE_REGION_PAIRS,
  STATIC_PARAMETERS,
} from "./defaults";
export { INSTANCE_MEMORY_GIB } from "./instance-classes";
export { validateAwsArgs } from "./validate";
export { RUNNER_ARCHITECTURE, RUNNER_RUNTIME, type RunnerResources } from "./runner";
export type { ResolvedAws } from "./resolved";
export { awsParameters, type ParameterValue } from "./parameters";
export { PGBOUNCER_PORT, PGBOUNCER_START_SCRIPT } from "./pooler";
export type { AppConnectionDocument } from "../shared/app-connection";
export type { Endpoint, VisorDatabaseOutputs } from "../shared/args";
export { VisorValidationError } from "../shared/validation";

// visor-db-infra: the cloud-free core — what users call. Cloud components live in visor-db-infra/aws,
// /gcp and /azure. Internals (validation helpers, the component skeleton, bootstrap wiring) are not
// exported: they can change without notice.
export * from "./visor/connection";
export * from "./visor/schema-definition";
export * from "./visor/inspect";
export * from "./visor/bootstrap";
export * from "./visor/locks";
export * from "./visor/smoke-test";
export * from "./visor/remedies";
export * from "./visor/visor-writes";
export { redactUrl, redactSecrets } from "./visor/redact";
export * from "./visor/retry";
export type { VisorConnectionArgs, ConnectRetryArgs, RunnerTargetArgs } from "./visor/providers/connection-args";
export type {
  RunnerEvent,
  RunnerTarget,
  AwsRunnerTarget,
  GcpRunnerTarget,
  AzureRunnerTarget,
  RunnerAction,
} from "./visor/runner/contract";
export { RunnerInvokeError, type RunnerTransport } from "./visor/runner/transport";
export { setupDatabase, type SetupOptions, type SetupResult } from "./visor/setup";
export { VisorSchema, type VisorSchemaArgs } from "./visor/providers/visor-schema";
export { VisorHaSmokeTest, type VisorHaSmokeTestArgs } from "./visor/providers/visor-ha-smoke-test";
export { schemaProvider, smokeTestProvider } from "./visor/providers/providers";
export { VisorValidationError } from "./shared/validation";
export type { Size, VisorTuning } from "./shared/tuning";
export type {
  ChildTransform,
  Endpoint,
  SharedChildTransforms,
  VisorBootstrapSettings,
  VisorDatabaseArgsBase,
  VisorDatabaseOutputs,
  VisorHaSettings,
  VisorPoolSettings,
} from "./shared/args";
export type { AppConnectionDocument } from "./shared/app-connection";

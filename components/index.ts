// visor-db-infra: the cloud-free core. Cloud components live in visor-db-infra/aws, /gcp and /azure.
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
export type { VisorConnectionArgs, ConnectRetryArgs } from "./visor/providers/connection-args";
export { VisorSchema, type VisorSchemaArgs } from "./visor/providers/visor-schema";
export { VisorHaSmokeTest, type VisorHaSmokeTestArgs } from "./visor/providers/visor-ha-smoke-test";
export { schemaProvider, smokeTestProvider } from "./visor/providers/providers";
export { schemaProviderLogic, type SchemaProviderInputs, type SchemaProviderOutputs } from "./visor/providers/schema-logic";
export {
  smokeTestProviderLogic,
  smokeFailureMessage,
  type SmokeProviderInputs,
  type SmokeProviderOutputs,
} from "./visor/providers/smoke-logic";
export * from "./shared/validation";
export * from "./shared/tuning";
export * from "./shared/args";
export * from "./shared/base-validation";
export { wireBootstrap, type BootstrapWiringArgs, type BootstrapResources } from "./shared/bootstrap-wiring";

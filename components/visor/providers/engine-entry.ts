// What the serialized dynamic providers load by name when the Pulumi engine runs them
// (`visor-db-infra/internal/providers`). Not API: only `schemaProvider` and `smokeTestProvider` call it.
export { schemaProviderLogic } from "./schema-logic";
export { smokeTestProviderLogic } from "./smoke-logic";

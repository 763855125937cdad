/**
 * `visor-db-infra/pgbouncer`: PgBouncer configuration for Visor's scheduler
 * database, plus the operations guide's pool sizing.
 */
export { PgBouncerConfigError } from "./errors";
export {
  AUTH_TYPES,
  PGBOUNCER_CONFIG_DEFAULTS,
  POOL_MODES,
  SSL_MODES,
  type AuthType,
  type PgBouncerClientTls,
  type PgBouncerConfigOptions,
  type PgBouncerDatabase,
  type PgBouncerPasswordUser,
  type PgBouncerServerTls,
  type PgBouncerUser,
  type PgBouncerVerifierUser,
  type PoolMode,
  type SslMode,
} from "./options";
export {
  DEPLOYMENT_SHAPES,
  PGBOUNCER_GUIDE_DEFAULTS,
  recommendedPool,
  type DeploymentShape,
  type PoolRecommendation,
} from "./pool-sizing";
export { renderPgBouncerConfig, type PgBouncerConfigFiles } from "./render";
export {
  isMd5Verifier,
  md5Verifier,
  parseScramVerifier,
  SCRAM_DEFAULT_ITERATIONS,
  SCRAM_DEFAULT_SALT_BYTES,
  SCRAM_MAX_ITERATIONS,
  scramSha256Verifier,
  type ScramVerifierOptions,
  type ScramVerifierParts,
} from "./scram";

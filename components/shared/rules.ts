// The validation rules more than one cloud needs, each written once. Each takes the component's
// Validator, so the one error names the component, the field and the allowed range.
import type { Validator } from "./validation";
import { RESERVED_CONNECTIONS } from "./defaults";

/**
 * `boolean | Settings` opt-in arguments: `false` turns the feature off, `true`/`undefined` mean the
 * default settings (or off when `onByDefault` is false), an object gives the settings.
 */
export function optIn<T extends object>(
  validator: Validator,
  field: string,
  value: boolean | T | undefined,
  onByDefault = true,
): T | false {
  if (value === false || (value === undefined && !onByDefault)) return false;
  if (value === true || value === undefined) return {} as T;
  validator.require(
    typeof value === "object" && value !== null && !Array.isArray(value),
    field,
    "true, false or a settings object",
    value,
  );
  return value;
}

/** `replicas`: a count (that many default specs) or one spec each, at most `max`. */
export function replicaSpecs<S extends object>(
  validator: Validator,
  value: number | S[] | undefined,
  max: number,
  fallback = 0,
): S[] {
  const allowed = `an integer from 0 to ${max} or a list of at most ${max} replica specs`;
  const given = value ?? fallback;
  if (typeof given === "number") {
    const count = validator.int("replicas", given, 0, max, fallback);
    return Array.from({ length: count }, () => ({}) as S);
  }
  if (!Array.isArray(given)) return validator.fail("replicas", allowed, given);
  validator.require(given.length <= max, "replicas", allowed, `${given.length} specs`);
  given.forEach((spec, index) =>
    validator.require(spec !== null && typeof spec === "object", `replicas[${index}]`, "a replica spec object", spec),
  );
  return given;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** An IPv4 CIDR such as "10.0.0.0/16". */
export function isCidr(value: unknown): value is string {
  const match = typeof value === "string" ? CIDR.exec(value) : null;
  return !!match && match.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(match[5]) <= 32;
}

/** A bounded IPv4 CIDR: never /0, since the database is never open to everyone. */
export function requireBoundedCidr(validator: Validator, field: string, value: unknown): string {
  validator.require(isCidr(value), field, 'an IPv4 CIDR like "10.0.0.0/16"', value);
  validator.require(
    !(value as string).endsWith("/0"),
    field,
    "a bounded CIDR, not /0 (the database is never open to everyone)",
    value,
  );
  return value as string;
}

/** A container image pinned to a version tag or digest: a mutable tag would change PgBouncer under a running stack. */
export function requirePinnedImage(validator: Validator, field: string, image: string): string {
  const last = image.split("/").pop()!;
  validator.require(
    !/:latest$/.test(image) && /[:@]/.test(last),
    field,
    "a pinned image (a version tag or @sha256 digest, not :latest or untagged)",
    image,
  );
  return image;
}

const GCP_KEY = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const AWS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key|alias)\/.+$/;

/** The region a Cloud KMS key name or an AWS KMS ARN lives in; undefined for anything else. */
export function keyRegion(key: string): string | undefined {
  return (GCP_KEY.exec(key) ?? AWS_KEY_ARN.exec(key))?.[1];
}

/**
 * A KMS/CMEK key in `region`: keys are regional, and a disk or snapshot can only be encrypted with a key
 * in its own region. Unknown values (Pulumi outputs) are checked by the cloud at deploy time.
 */
export function requireKeyInRegion(validator: Validator, field: string, key: unknown, region: string, example: string): void {
  if (typeof key !== "string") return;
  validator.require(keyRegion(key) === region, field, `a key in ${region} (${example})`, key);
}

/** Connections the bootstrap (one) and the smoke test (one per simulated node) open on the writer. */
export function bootstrapConnections(bootstrap: false | { smokeTest: boolean; nodes: number }): number {
  if (!bootstrap) return 0;
  return 1 + (bootstrap.smokeTest ? bootstrap.nodes : 0);
}

/**
 * Pooler capacity: `poolers` × `poolSize` server connections must fit under max_connections, leaving the
 * reserved connections and the bootstrap's and smoke test's. The message gives the arithmetic.
 */
export function requirePoolerCapacity(
  validator: Validator,
  pooler: { count: number; what: string; poolSize: number; maxConnections: number; bootstrapConnections: number },
): void {
  const headroom = RESERVED_CONNECTIONS + pooler.bootstrapConnections;
  const available = pooler.maxConnections - headroom;
  validator.require(
    pooler.count * pooler.poolSize <= available,
    "pool.defaultPoolSize",
    `at most ${Math.max(0, Math.floor(available / pooler.count))} with ${pooler.count} ${pooler.what} (${pooler.what} × pool ≤ tuning.maxConnections ${pooler.maxConnections} − ${RESERVED_CONNECTIONS} reserved − ${pooler.bootstrapConnections} for the bootstrap and smoke test)`,
    pooler.poolSize,
  );
}

/** The admin (master) user is not the app user: Visor must not run as the admin. */
export function requireDistinctAdmin(validator: Validator, field: string, admin: string, appUser: string): void {
  validator.require(
    admin !== appUser,
    field,
    `different from appUser (${JSON.stringify(appUser)}): Visor must not run as the admin`,
    admin,
  );
}

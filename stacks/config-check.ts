// Refuses stack config the program would otherwise misread: a key in a misspelt namespace
// (`visor-db:cloud`), an unknown key at any level with a known shape (`database.multiAZ`,
// `ha.lockTTLSeconds`), each named with the closest known key; a secure value where it would be read as
// plain text; an object for the wrong target. Runs before any resource is registered.
import { haRequired } from "../policy/ha-required";
import { AZURE_SHAPE, AWS_SHAPE, CONNECTION_SHAPE, GCP_SHAPE, HA_SHAPE, type Shape } from "./config-shapes";

export const NAMESPACE = "visor-db-infra";

const DATABASE_SHAPES: Record<string, Shape> = { aws: AWS_SHAPE, gcp: GCP_SHAPE, azure: AZURE_SHAPE };

/** Every key the program reads in its namespace. */
export const TOP_LEVEL_KEYS = ["cloud", "database", "ha", "connection", "poolerConnection", "requireHa"] as const;

export class StackConfigError extends Error {
  constructor(message: string) {
    super(`stack config: ${message}`);
    this.name = "StackConfigError";
  }
}

/** Edit distance (insert, delete, substitute one character). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate nearest to `word` (case-insensitively), if it is near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const scored = candidates.map((c) => ({ c, d: distance(word.toLowerCase(), c.toLowerCase()) })).sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d <= Math.max(2, Math.floor(best.c.length / 3)) ? best.c : undefined;
}

function unknownKey(parent: string, key: string, known: readonly string[], separator = "."): StackConfigError {
  const near = closest(key, known);
  const at = `${parent}${separator}${key}`;
  return new StackConfigError(
    near
      ? `${at} is not a known key; did you mean ${JSON.stringify(near)}?`
      : `${at} is not a known key (known: ${known.join(", ")})`,
  );
}

/** Checks `value` (at `path`) against `shape`, at every level the shape knows. */
export function checkShape(value: unknown, shape: Shape, path: string): void {
  if (shape.refuse) throw new StackConfigError(`${path} ${shape.refuse}`);
  if (Array.isArray(value)) {
    if (shape.items) value.forEach((x, i) => checkShape(x, shape.items!, `${path}[${i}]`));
    return;
  }
  if (value && typeof value === "object" && shape.keys) {
    const known = Object.keys(shape.keys);
    for (const [k, x] of Object.entries(value)) {
      if (!Object.prototype.hasOwnProperty.call(shape.keys, k)) throw unknownKey(path, k, known);
      checkShape(x, shape.keys[k]!, `${path}.${k}`);
    }
  }
}

function parseObject(key: string, raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = raw;
  }
  if (!v || typeof v !== "object" || Array.isArray(v))
    throw new StackConfigError(`${key} must be an object (got ${typeof v === "string" ? "a string" : JSON.stringify(v)})`);
  return v as Record<string, unknown>;
}

const isEmpty = (o: Record<string, unknown> | undefined) => !o || Object.keys(o).length === 0;

/**
 * `config`: every stack config key (`namespace:key`) → its value as Pulumi passes it (objects as JSON).
 * `isSecret`: whether a key holds a secure value (anywhere inside it).
 */
export function checkStackConfig(config: Record<string, string>, isSecret: (key: string) => boolean): void {
  for (const full of Object.keys(config)) {
    const at = full.indexOf(":");
    const ns = at < 0 ? "" : full.slice(0, at);
    const name = full.slice(at + 1);
    if (ns !== NAMESPACE) {
      // Another namespace is another package's config (aws:region), unless it is a misspelling of ours.
      if (ns.toLowerCase().includes("visor") || distance(ns.toLowerCase(), NAMESPACE) <= 4) {
        const key = (TOP_LEVEL_KEYS as readonly string[]).includes(name) ? name : (closest(name, TOP_LEVEL_KEYS) ?? name);
        throw new StackConfigError(
          `${full} is in namespace ${JSON.stringify(ns)}; did you mean ${JSON.stringify(`${NAMESPACE}:${key}`)}?`,
        );
      }
      continue;
    }
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(name)) throw unknownKey(NAMESPACE, name, TOP_LEVEL_KEYS, ":");
  }

  const key = (k: string) => `${NAMESPACE}:${k}`;
  try {
    haRequired(config);
  } catch (e) {
    throw new StackConfigError((e as Error).message);
  }
  for (const k of ["database", "ha"]) {
    if (config[key(k)] !== undefined && isSecret(key(k)))
      throw new StackConfigError(
        `${key(k)} holds a secure value, but its values are plain arguments and would be used as plain text; ` +
          `remove it (the components generate their passwords; a connection's password goes in ${key("connection")})`,
      );
  }
  const cloud = config[key("cloud")] ?? "existing";
  const database = parseObject(key("database"), config[key("database")]);
  const ha = parseObject(key("ha"), config[key("ha")]);
  const connection = parseObject(key("connection"), config[key("connection")]);
  const poolerConnection = parseObject(key("poolerConnection"), config[key("poolerConnection")]);
  if (ha) checkShape(ha, HA_SHAPE, key("ha"));
  const databaseShape = DATABASE_SHAPES[cloud];
  if (databaseShape) {
    if (database) checkShape(database, databaseShape, key("database"));
    if (!isEmpty(connection) || !isEmpty(poolerConnection))
      throw new StackConfigError(`${key("connection")} is read only with cloud: existing (this stack has cloud: ${cloud})`);
  } else if (cloud === "existing") {
    if (!isEmpty(database))
      throw new StackConfigError(
        `${key("database")} is read only with cloud: aws, gcp or azure (this stack has cloud: existing)`,
      );
    if (connection) checkShape(connection, CONNECTION_SHAPE, key("connection"));
    if (poolerConnection) checkShape(poolerConnection, CONNECTION_SHAPE, key("poolerConnection"));
  }
}

/**
 * Connection-pool sizing from the Visor operations guide, kept as data so the
 * Pulumi components and the operator CLI recommend the same numbers.
 */

/** Deployment shapes the guide's pool sizing table distinguishes. */
export type DeploymentShape = "single" | "small-ha" | "large-ha" | "serverless";

/** One row of the guide's table: the per-instance scheduler pool. */
export interface PoolRecommendation {
  /** Connections each scheduler instance keeps open even when idle. */
  min: number;
  /** Upper bound of connections per scheduler instance. */
  max: number;
  /** Whether the guide recommends putting PgBouncer in front of the database. */
  usePgBouncer: boolean;
  /** The guide's one-line rationale. */
  note: string;
}

const TABLE: Readonly<Record<DeploymentShape, Readonly<PoolRecommendation>>> = Object.freeze({
  // "Single instance"
  single: { min: 0, max: 5, usePgBouncer: false, note: "Minimal overhead" },
  // "2-3 instances"
  "small-ha": { min: 1, max: 5, usePgBouncer: false, note: "Keep warm connections" },
  // "5+ instances"
  "large-ha": { min: 0, max: 3, usePgBouncer: true, note: "Use PgBouncer upstream" },
  // "Serverless/Lambda"
  serverless: { min: 0, max: 2, usePgBouncer: false, note: "Short-lived, release fast" },
});

/** Every accepted {@link DeploymentShape}, in the guide's order. */
export const DEPLOYMENT_SHAPES: readonly DeploymentShape[] = Object.freeze(Object.keys(TABLE) as DeploymentShape[]);

/**
 * The guide's pool recommendation for a deployment shape:
 * `single` (one instance), `small-ha` (2-3 instances), `large-ha` (5+ instances)
 * or `serverless` (Lambda and similar). Returns a fresh copy each call.
 */
export function recommendedPool(deployment: DeploymentShape): PoolRecommendation {
  // Callers may pass config-file strings, so check at runtime too.
  if (typeof deployment !== "string" || !Object.hasOwn(TABLE, deployment)) {
    const allowed = DEPLOYMENT_SHAPES.map((s) => `"${s}"`).join(", ");
    throw new RangeError(`Unknown deployment ${JSON.stringify(deployment) ?? String(deployment)}: expected one of ${allowed}`);
  }
  return { ...TABLE[deployment] };
}

/** The guide's PgBouncer settings; the renderer's defaults come from here. */
export const PGBOUNCER_GUIDE_DEFAULTS = Object.freeze({
  poolMode: "transaction",
  defaultPoolSize: 20,
  maxClientConn: 200,
  listenPort: 6432,
} as const);

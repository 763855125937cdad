// What the dynamic providers receive from the engine: plain values, with Pulumi's unknown sentinel in
// place of values not known during preview. check() validates only what is known.
import { SSL_MODES, resolveConnection, type VisorConnection } from "../connection";
import { runnerTargetProblem } from "../runner/transport";
import type { ConnectRetryArgs } from "./connection-args";

/** The engine's placeholder for a value not yet known (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (v && typeof v === "object") return Object.values(v as object).some(isUnknown);
  return false;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Validates a connection whose fields are known; unknown fields are left for create/update. */
export function checkConnection(property: string, conn: unknown, failures: CheckFailure[]): void {
  if (conn === undefined || conn === null) {
    failures.push({ property, reason: `${property} is required` });
    return;
  }
  if (isUnknown(conn)) {
    const c = conn as Record<string, unknown>;
    const ssl = c.ssl as { mode?: unknown } | undefined;
    if (ssl && typeof ssl.mode === "string" && ssl.mode !== UNKNOWN && !SSL_MODES.includes(ssl.mode as never)) {
      failures.push({ property: `${property}.ssl.mode`, reason: `${property}.ssl.mode must be one of ${SSL_MODES.join(", ")}` });
    }
    return;
  }
  try {
    resolveConnection(conn as VisorConnection);
  } catch (err) {
    failures.push({ property, reason: `${property}: ${(err as Error).message.replace(/^connection\./, "")}` });
  }
}

export function checkInt(property: string, value: unknown, min: number, max: number, failures: CheckFailure[]): void {
  if (value === undefined || value === UNKNOWN) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    failures.push({ property, reason: `${property} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})` });
  }
}

export function checkBool(property: string, value: unknown, failures: CheckFailure[]): void {
  if (value === undefined || value === UNKNOWN) return;
  if (typeof value !== "boolean")
    failures.push({ property, reason: `${property} must be true or false (got ${JSON.stringify(value)})` });
}

export function checkRetry(property: string, value: ConnectRetryArgs | undefined, failures: CheckFailure[]): void {
  if (!value || isUnknown(value)) return;
  checkInt(`${property}.timeoutMs`, value.timeoutMs, 0, 3_600_000, failures);
  checkInt(`${property}.initialDelayMs`, value.initialDelayMs, 1, 600_000, failures);
  checkInt(`${property}.maxDelayMs`, value.maxDelayMs, 1, 600_000, failures);
}

/** The optional `runner` target: exactly one cloud, with a function name (checked once known). */
export function checkRunner(property: string, value: unknown, failures: CheckFailure[]): void {
  if (value === undefined || value === null || isUnknown(value)) return;
  const problem = runnerTargetProblem(value);
  if (problem) failures.push({ property, reason: problem });
}

/** The endpoint's identity: what, if it changes, makes it a different database. */
export function endpointKey(conn: VisorConnection | undefined): string | undefined {
  if (!conn || isUnknown(conn)) return undefined;
  try {
    const r = resolveConnection(conn);
    return `${r.driver}://${r.host}:${r.port}/${r.database}`;
  } catch {
    return undefined;
  }
}

/** Stable JSON for comparing inputs (key order does not matter). */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

// The guide's "Performance Tuning" as one typed model: validated numbers (bytes and counts) until the
// last step, `postgresParameters`, converts them to PostgreSQL's units (8 kB pages and kB), which RDS,
// Cloud SQL and Azure all take. The guide's memory settings are ratios of the small dedicated box it
// describes; each cloud passes its instance's memory and its allowed ranges as the `TuningBasis`, so the
// defaults fit the instance and explicit values are checked against what the cloud accepts.
import { Validator } from "./validation";

/** Sizes as PostgreSQL writes them: a number of bytes, or a string such as "256MB", "4kB", "1GB". */
export type Size = number | string;

export interface VisorTuning {
  /** Default "256MB". */
  sharedBuffers: Size;
  /** Default "512MB". */
  effectiveCacheSize: Size;
  /** Default "4MB". */
  workMem: Size;
  /** Default "64MB". */
  maintenanceWorkMem: Size;
  /** Default 50. */
  maxConnections: number;
  /** Default 0.9. */
  checkpointCompletionTarget: number;
  /** Default "16MB". */
  walBuffers: Size;
}

/** The validated tuning: sizes in bytes, counts and fractions as numbers. */
export type ResolvedTuning = { readonly [K in keyof VisorTuning]: number };

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** The guide's block describes a dedicated 1 GiB box: shared_buffers 25 % and effective_cache_size 50 % of it. */
export const GUIDE_REFERENCE_MEMORY_BYTES = GiB;
export const GUIDE_MEMORY_RATIOS = { sharedBuffers: 0.25, effectiveCacheSize: 0.5 } as const;

/** A cloud's allowed range for one parameter on one instance, in the model's units (bytes or a count). */
export interface TuningRange {
  min?: number;
  max?: number;
}

/** What the defaults are sized for, and what the cloud accepts for that instance. */
export interface TuningBasis {
  /** Memory the guide's ratios apply to (the instance's memory). Default GUIDE_REFERENCE_MEMORY_BYTES. */
  memoryBytes?: number;
  /** Allowed ranges: defaults are clamped into them; an explicit value outside is refused in the user's units. */
  ranges?: Partial<Record<keyof VisorTuning, TuningRange>>;
  /** Parameters the cloud sizes better itself (Aurora's shared_buffers): sent only when the user sets them. */
  leftToCloud?: readonly (keyof VisorTuning)[];
}

/** The guide's values for a basis (the guide's own block for the default basis). */
export function guideTuning(basis: TuningBasis = {}): ResolvedTuning {
  const memory = basis.memoryBytes ?? GUIDE_REFERENCE_MEMORY_BYTES;
  return {
    sharedBuffers: memory * GUIDE_MEMORY_RATIOS.sharedBuffers,
    effectiveCacheSize: memory * GUIDE_MEMORY_RATIOS.effectiveCacheSize,
    workMem: 4 * MiB,
    maintenanceWorkMem: 64 * MiB,
    maxConnections: 50,
    checkpointCompletionTarget: 0.9,
    walBuffers: 16 * MiB,
  };
}

/** The guide's tuning as written in the guide. */
export const GUIDE_TUNING: Readonly<VisorTuning> = {
  sharedBuffers: "256MB",
  effectiveCacheSize: "512MB",
  workMem: "4MB",
  maintenanceWorkMem: "64MB",
  maxConnections: 50,
  checkpointCompletionTarget: 0.9,
  walBuffers: "16MB",
};

const UNITS: Record<string, number> = { B: 1, kB: 1024, KB: 1024, MB: MiB, GB: GiB, TB: 1024 ** 4 };

/** "256MB" → 268435456. Numbers are bytes. */
export function parseSize(field: string, value: Size, validator = new Validator("tuning")): number {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value <= 0) validator.fail(field, 'a positive number of bytes or a size like "256MB"', value);
    return value;
  }
  const match = typeof value === "string" ? /^\s*(\d+)\s*(B|kB|KB|MB|GB|TB)\s*$/.exec(value) : null;
  if (!match) return validator.fail(field, 'a size like "256MB", "4kB" or "1GB" (units B, kB, MB, GB, TB)', value);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** PostgreSQL's parameter units: 8 kB blocks (shared_buffers, effective_cache_size, wal_buffers) or kB. */
export type PgUnit = "8kB" | "kB" | "none";

/** Each guide parameter's PostgreSQL name and the unit its bare number means, in output order. */
export const PG_PARAMETER_UNITS: Readonly<Record<keyof VisorTuning, { name: string; unit: PgUnit }>> = {
  sharedBuffers: { name: "shared_buffers", unit: "8kB" },
  effectiveCacheSize: { name: "effective_cache_size", unit: "8kB" },
  workMem: { name: "work_mem", unit: "kB" },
  maintenanceWorkMem: { name: "maintenance_work_mem", unit: "kB" },
  maxConnections: { name: "max_connections", unit: "none" },
  checkpointCompletionTarget: { name: "checkpoint_completion_target", unit: "none" },
  walBuffers: { name: "wal_buffers", unit: "8kB" },
};

const TUNING_KEYS = Object.keys(PG_PARAMETER_UNITS) as (keyof VisorTuning)[];
const UNIT_BYTES: Record<Exclude<PgUnit, "none">, number> = { "8kB": 8192, kB: 1024 };

/** 268435456 → "256MB": the largest unit that divides exactly, for messages in the user's units. */
export function formatSize(bytes: number): string {
  for (const unit of ["TB", "GB", "MB", "kB"] as const) if (bytes % UNITS[unit]! === 0) return `${bytes / UNITS[unit]!}${unit}`;
  return `${bytes}B`;
}

/** The guide's tuning (for `basis`) merged with the user's overrides, validated, as numbers. */
export function resolveTuning(
  overrides: Partial<VisorTuning> = {},
  validator = new Validator("tuning"),
  basis: TuningBasis = {},
): ResolvedTuning {
  const guide = guideTuning(basis);
  const resolved = {} as Record<keyof VisorTuning, number>;
  for (const key of TUNING_KEYS) {
    const field = `tuning.${key}`;
    const given = overrides[key];
    const { unit } = PG_PARAMETER_UNITS[key];
    const range = basis.ranges?.[key] ?? {};
    if (key === "maxConnections" || key === "checkpointCompletionTarget") {
      const integer = key === "maxConnections";
      const min = Math.max(range.min ?? (integer ? 10 : 0), integer ? 1 : 0);
      const max = range.max ?? (integer ? 10_000 : 1);
      const v = given === undefined ? clamp(guide[key], min, max) : (given as number);
      resolved[key] = integer ? validator.int(field, v, min, max, v) : validator.number(field, v, min, max, v);
    } else {
      const per = UNIT_BYTES[unit as Exclude<PgUnit, "none">];
      if (given === undefined) {
        // The guide's ratio on this instance, inside the cloud's range, on a whole page / kB.
        const min = range.min ?? per;
        const max = range.max ?? Number.MAX_SAFE_INTEGER;
        resolved[key] = clamp(Math.floor(guide[key] / per) * per, Math.ceil(min / per) * per, Math.floor(max / per) * per);
        continue;
      }
      const bytes = parseSize(field, given, validator);
      // Refused here, in the user's units, rather than rounded silently.
      if (bytes % per !== 0) validator.fail(field, `a whole number of ${unit === "8kB" ? "8 kB pages" : "kB"}`, given);
      if ((range.min !== undefined && bytes < range.min) || (range.max !== undefined && bytes > range.max))
        validator.fail(
          field,
          `from ${formatSize(range.min ?? per)} to ${formatSize(range.max ?? bytes)} on this instance`,
          given,
        );
      resolved[key] = bytes;
    }
  }
  return resolved;
}

const clamp = (v: number, min: number, max: number) => Math.min(Math.max(v, min), max);

/** The `leftToCloud` parameters the user did not set: leave them out of what is sent. */
export function tuningLeftToCloud(overrides: Partial<VisorTuning> = {}, basis: TuningBasis = {}): (keyof VisorTuning)[] {
  return (basis.leftToCloud ?? []).filter((key) => overrides[key] === undefined);
}

/**
 * The last step: PostgreSQL parameter name → value in its native unit, in the guide's order. `omit` leaves
 * out what an engine lacks (see each cloud's applicability table).
 */
export function postgresParameters(tuning: ResolvedTuning, omit: readonly (keyof VisorTuning)[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of TUNING_KEYS) {
    if (omit.includes(key)) continue;
    const { name, unit } = PG_PARAMETER_UNITS[key];
    out[name] = String(unit === "none" ? tuning[key] : tuning[key] / UNIT_BYTES[unit]);
  }
  return out;
}

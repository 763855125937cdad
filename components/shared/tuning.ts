// The guide's "Performance Tuning" as one typed model: validated numbers (bytes and counts) until the
// last step, `postgresParameters`, converts them to PostgreSQL's units (8 kB pages and kB), which RDS,
// Cloud SQL and Azure all take. The guide's memory settings are ratios of the small dedicated box it
// describes, so the model can later size them to an instance's memory (`TuningBasis.memoryBytes`).
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

/** What the defaults are sized for. Today always the guide's box; instance memory comes later (per cloud). */
export interface TuningBasis {
  /** Memory the memory ratios apply to. Default GUIDE_REFERENCE_MEMORY_BYTES. */
  memoryBytes?: number;
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
    if (key === "maxConnections") {
      resolved[key] = validator.int(field, given as number | undefined, 10, 10_000, guide.maxConnections);
    } else if (key === "checkpointCompletionTarget") {
      resolved[key] = validator.number(field, given as number | undefined, 0, 1, guide.checkpointCompletionTarget);
    } else {
      const bytes = given === undefined ? guide[key] : parseSize(field, given, validator);
      const per = UNIT_BYTES[unit as Exclude<PgUnit, "none">];
      // Refused here, in the user's units, rather than rounded silently.
      if (bytes % per !== 0) validator.fail(field, `a whole number of ${unit === "8kB" ? "8 kB pages" : "kB"}`, given);
      resolved[key] = bytes;
    }
  }
  return resolved;
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

// The guide's "Performance Tuning" for a dedicated Visor database, held once in canonical units and
// converted to each cloud's parameter units (RDS and Azure: 8 kB pages and kB; Cloud SQL flags likewise).
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

export const GUIDE_TUNING: Readonly<VisorTuning> = {
  sharedBuffers: "256MB",
  effectiveCacheSize: "512MB",
  workMem: "4MB",
  maintenanceWorkMem: "64MB",
  maxConnections: 50,
  checkpointCompletionTarget: 0.9,
  walBuffers: "16MB",
};

const UNITS: Record<string, number> = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** "256MB" → 268435456. Numbers are bytes. */
export function parseSize(field: string, value: Size, v = new Validator("tuning")): number {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value <= 0) v.fail(field, 'a positive number of bytes or a size like "256MB"', value);
    return value;
  }
  const m = /^\s*(\d+)\s*(B|kB|KB|MB|GB|TB)\s*$/.exec(value);
  if (!m) return v.fail(field, 'a size like "256MB", "4kB" or "1GB" (units B, kB, MB, GB, TB)', value);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** PostgreSQL's parameter units: 8 kB blocks (shared_buffers, effective_cache_size, wal_buffers) or kB. */
export type PgUnit = "8kB" | "kB" | "none";

export interface PgSetting {
  name: string;
  value: string;
  unit: PgUnit;
}

/** Each guide parameter's PostgreSQL name and the unit its bare number means. */
export const PG_PARAMETER_UNITS: Record<keyof VisorTuning, { name: string; unit: PgUnit }> = {
  sharedBuffers: { name: "shared_buffers", unit: "8kB" },
  effectiveCacheSize: { name: "effective_cache_size", unit: "8kB" },
  workMem: { name: "work_mem", unit: "kB" },
  maintenanceWorkMem: { name: "maintenance_work_mem", unit: "kB" },
  maxConnections: { name: "max_connections", unit: "none" },
  checkpointCompletionTarget: { name: "checkpoint_completion_target", unit: "none" },
  walBuffers: { name: "wal_buffers", unit: "8kB" },
};

/** The guide's tuning merged with overrides, validated, as bare numbers in PostgreSQL's native units. */
export function resolveTuning(overrides: Partial<VisorTuning> = {}, component = "tuning"): PgSetting[] {
  const v = new Validator(component);
  const t = { ...GUIDE_TUNING, ...overrides };
  const out: PgSetting[] = [];
  for (const key of Object.keys(PG_PARAMETER_UNITS) as (keyof VisorTuning)[]) {
    const { name, unit } = PG_PARAMETER_UNITS[key];
    const field = `tuning.${key}`;
    if (key === "maxConnections") {
      out.push({ name, unit, value: String(v.int(field, t.maxConnections, 10, 10_000, 50)) });
    } else if (key === "checkpointCompletionTarget") {
      out.push({ name, unit, value: String(v.number(field, t.checkpointCompletionTarget, 0, 1, 0.9)) });
    } else {
      const bytes = parseSize(field, t[key] as Size, v);
      const divisor = unit === "8kB" ? 8192 : 1024;
      if (bytes % divisor !== 0) v.fail(field, `a whole number of ${unit === "8kB" ? "8 kB pages" : "kB"}`, t[key]);
      out.push({ name, unit, value: String(bytes / divisor) });
    }
  }
  return out;
}

/** name → value, the shape RDS parameter groups, Cloud SQL flags and Azure configurations all take. */
export function tuningParameters(overrides: Partial<VisorTuning> = {}, component?: string): Record<string, string> {
  return Object.fromEntries(resolveTuning(overrides, component).map((s) => [s.name, s.value]));
}

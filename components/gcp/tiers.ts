// Cloud SQL machine tiers: which edition takes which family, each tier's vCPUs and memory (what the tuning
// defaults are sized for and what managed pooling's poolers scale with), the disk types its machine series
// supports, and the flag ranges Cloud SQL derives from the memory. Sources: components/gcp/README.md, *Constraints*.
import { memoryOf, type MemoryTable } from "../shared/instance-memory";
import type { TuningBasis } from "../shared/tuning";
import type { Validator } from "../shared/validation";
import type { GcpEdition } from "./args";
import { DEFAULT_TIER } from "./defaults";

export type GcpDiskType = "PD_SSD" | "HYPERDISK_BALANCED";

/** The machine series a tier belongs to: it decides the edition and the disk types. */
export type TierSeries = "shared-core" | "custom" | "n4" | "perf-optimized-n2" | "c4a";

export interface TierInfo {
  tier: string;
  series: TierSeries;
  vcpus: number;
  memoryBytes: number;
}

const MiB = 1024 ** 2;

/** Enterprise Plus N2 (`db-perf-optimized-N-<vCPU>`): 8 GB per vCPU, up to 864 GB at 128 vCPU. */
export const PERF_OPTIMIZED_N2_MEMORY: MemoryTable = {
  "db-perf-optimized-N-2": 16,
  "db-perf-optimized-N-4": 32,
  "db-perf-optimized-N-8": 64,
  "db-perf-optimized-N-16": 128,
  "db-perf-optimized-N-32": 256,
  "db-perf-optimized-N-48": 384,
  "db-perf-optimized-N-64": 512,
  "db-perf-optimized-N-80": 640,
  "db-perf-optimized-N-96": 768,
  "db-perf-optimized-N-128": 864,
};

/** Enterprise Plus C4A (`db-c4a-highmem-<vCPU>`): 8 GB per vCPU. */
export const C4A_MEMORY: MemoryTable = {
  "db-c4a-highmem-2": 16,
  "db-c4a-highmem-4": 32,
  "db-c4a-highmem-8": 64,
  "db-c4a-highmem-16": 128,
  "db-c4a-highmem-32": 256,
  "db-c4a-highmem-48": 384,
  "db-c4a-highmem-64": 512,
  "db-c4a-highmem-72": 576,
};

/** Enterprise shared-core tiers (one shared vCPU). */
export const SHARED_CORE_MEMORY: MemoryTable = { "db-f1-micro": 0.6, "db-g1-small": 1.7 };

/** Disk types by machine series: N2 and general-purpose take SSD; C4A and N4 take only Hyperdisk Balanced. */
export const DISK_TYPES: Record<TierSeries, readonly GcpDiskType[]> = {
  "shared-core": ["PD_SSD"],
  custom: ["PD_SSD"],
  "perf-optimized-n2": ["PD_SSD"],
  n4: ["HYPERDISK_BALANCED"],
  c4a: ["HYPERDISK_BALANCED"],
};

const ENTERPRISE_PLUS_TIERS = 'a "db-perf-optimized-N-<vCPUs>" or "db-c4a-highmem-<vCPUs>" tier on edition ENTERPRISE_PLUS';
const ENTERPRISE_TIERS = 'a "db-custom-<vCPUs>-<MB>", "db-custom-N4-<vCPUs>-<MB>" or shared-core tier on edition ENTERPRISE';

/** The tier (default per edition) with its series, vCPUs and memory; a tier of the other edition is refused. */
export function resolveTier(check: Validator, edition: GcpEdition, value: string | undefined, field = "tier"): TierInfo {
  const tier = value ?? DEFAULT_TIER[edition];
  if (typeof tier !== "string")
    return check.fail(field, edition === "ENTERPRISE_PLUS" ? ENTERPRISE_PLUS_TIERS : ENTERPRISE_TIERS, value);
  if (edition === "ENTERPRISE_PLUS") {
    if (tier.startsWith("db-c4a-")) return fromTable(check, field, tier, "c4a", C4A_MEMORY);
    check.require(tier.startsWith("db-perf-optimized-N-"), field, ENTERPRISE_PLUS_TIERS, value);
    return fromTable(check, field, tier, "perf-optimized-n2", PERF_OPTIMIZED_N2_MEMORY);
  }
  if (tier in SHARED_CORE_MEMORY) return { ...fromTable(check, field, tier, "shared-core", SHARED_CORE_MEMORY), vcpus: 1 };
  const m = /^db-custom-(N4-)?(\d+)-(\d+)$/.exec(tier);
  if (!m) return check.fail(field, ENTERPRISE_TIERS, value);
  const vcpus = Number(m[2]);
  const mb = Number(m[3]);
  if (!m[1]) {
    check.require(
      vcpus === 1 || (vcpus % 2 === 0 && vcpus <= 96),
      field,
      "a custom tier with 1 or an even number (≤ 96) of vCPUs",
      value,
    );
    check.require(
      mb % 256 === 0 && mb >= 3840 && mb >= vcpus * 0.9 * 1024 && mb <= vcpus * 6.5 * 1024,
      field,
      "a custom tier with memory a multiple of 256 MB, at least 3840 MB and 0.9–6.5 GB per vCPU",
      value,
    );
  } else {
    check.require(
      vcpus >= 2 && mb % 256 === 0 && mb >= 3840,
      field,
      "an N4 tier with at least 2 vCPUs and 3840 MB, memory a multiple of 256 MB",
      value,
    );
  }
  return { tier, series: m[1] ? "n4" : "custom", vcpus, memoryBytes: mb * MiB };
}

function fromTable(check: Validator, field: string, tier: string, series: TierSeries, table: MemoryTable): TierInfo {
  const memoryBytes = memoryOf(check, field, tier, table, `Cloud SQL's ${series} tiers`);
  const vcpus = Number(/(\d+)$/.exec(tier)?.[1] ?? 1);
  return { tier, series, vcpus, memoryBytes };
}

/** The disk type (default: the series' first) must be one the series supports. */
export function resolveDiskType(check: Validator, primary: TierInfo, value: string | undefined): GcpDiskType {
  const allowed = DISK_TYPES[primary.series];
  const diskType = (value ?? allowed[0]) as GcpDiskType;
  check.require(
    allowed.includes(diskType),
    "diskType",
    `${allowed.map((t) => JSON.stringify(t)).join(" or ")} on tier ${primary.tier} (Cloud SQL's ${primary.series} series; Hyperdisk Balanced only on C4A and N4)`,
    value,
  );
  return diskType;
}

/**
 * Managed Connection Pooling runs one pooler per four vCPUs (at least one); each opens up to the pool size
 * of server connections.
 */
export const managedPoolers = (tier: TierInfo): number => Math.max(1, Math.floor(tier.vcpus / 4));

/**
 * The guide's ratios sized to the instances' memory, inside Cloud SQL's effective_cache_size range (10–70 % of
 * memory) on every instance that gets the flags. Replicas carry the primary's flags, so the ratios apply to the
 * smallest instance (shared_buffers must fit every one), the floor comes from the largest and the ceiling from the
 * smallest.
 */
export function cloudSqlTuningBasis(primary: TierInfo, replicas: TierInfo[]): TuningBasis {
  const memories = [primary.memoryBytes, ...replicas.map((r) => r.memoryBytes)];
  return {
    memoryBytes: Math.min(...memories),
    ranges: {
      effectiveCacheSize: { min: Math.ceil(Math.max(...memories) * 0.1), max: Math.floor(Math.min(...memories) * 0.7) },
    },
  };
}

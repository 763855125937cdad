// The compute sizes AzureVisorDatabase accepts, with their vCores and memory (Azure's "compute options"
// tables), and what Azure derives from the memory when it provisions a server: the default
// max_connections. The tuning defaults are sized from the same memory (the shared model in ../shared).
import { memoryOf, type MemoryTable } from "../shared/instance-memory";
import type { TuningBasis } from "../shared/tuning";
import type { Validator } from "../shared/validation";
import type { AzureSkuTier } from "./args";

/** Memory in GiB of each size, by tier. Sizes whose name has a digit count, e.g. D4 → 4 vCores. */
const BURSTABLE: MemoryTable = {
  Standard_B1ms: 2,
  Standard_B2s: 4,
  Standard_B2ms: 8,
  Standard_B4ms: 16,
  Standard_B8ms: 32,
  Standard_B12ms: 48,
  Standard_B16ms: 64,
  Standard_B20ms: 80,
};

/** General Purpose: 4 GiB per vCore (Ddsv4, Ddsv5, Dadsv5). */
const GENERAL_PURPOSE: MemoryTable = Object.fromEntries([
  ...[2, 4, 8, 16, 32, 48, 64].map((v) => [`Standard_D${v}ds_v4`, v * 4] as const),
  ...[2, 4, 8, 16, 32, 48, 64, 96].flatMap((v) => [
    [`Standard_D${v}ds_v5`, v * 4] as const,
    [`Standard_D${v}ads_v5`, v * 4] as const,
  ]),
]);

/** Memory Optimized: 8 GiB per vCore up to 64 vCores (E64ds_v4 is 504 GiB); E96 has 672 GiB. */
const MEMORY_OPTIMIZED: MemoryTable = Object.fromEntries([
  ...[2, 4, 8, 16, 20, 32, 48].map((v) => [`Standard_E${v}ds_v4`, v * 8] as const),
  ["Standard_E64ds_v4", 504] as const,
  ...[2, 4, 8, 16, 20, 32, 48, 64].flatMap((v) => [
    [`Standard_E${v}ds_v5`, v * 8] as const,
    [`Standard_E${v}ads_v5`, v * 8] as const,
  ]),
  ["Standard_E96ds_v5", 672] as const,
  ["Standard_E96ads_v5", 672] as const,
]);

export const AZURE_SKU_MEMORY_GIB: Readonly<Record<AzureSkuTier, MemoryTable>> = {
  Burstable: BURSTABLE,
  GeneralPurpose: GENERAL_PURPOSE,
  MemoryOptimized: MEMORY_OPTIMIZED,
};

const GiB = 1024 ** 3;

export interface AzureCompute {
  skuName: string;
  vCores: number;
  memoryBytes: number;
}

/** The size's vCores and memory, or one refusal naming the field and some sizes of the tier. */
export function computeOf(check: Validator, field: string, tier: AzureSkuTier, skuName: string): AzureCompute {
  const memoryBytes = memoryOf(check, field, skuName, AZURE_SKU_MEMORY_GIB[tier], `the ${tier} tier`);
  return { skuName, vCores: Number(/^Standard_[BDE](\d+)/.exec(skuName)![1]), memoryBytes };
}

/**
 * Azure's max_connections when it provisions a server of this memory (fixed then, not recomputed on a
 * later resize): 2 GiB 50, 4 GiB 429, 8 GiB 859, 16 GiB 1718, 32 GiB 3437, 48 GiB and more 5000.
 */
export function azureDefaultMaxConnections(memoryBytes: number): number {
  const gib = memoryBytes / GiB;
  const table: [number, number][] = [
    [2, 50],
    [4, 429],
    [8, 859],
    [16, 1718],
    [32, 3437],
  ];
  if (gib >= 48) return 5000;
  // Between two rows (no accepted size is), the smaller row: never above what Azure sets.
  let value = table[0]![1];
  for (const [rowGib, connections] of table) if (gib >= rowGib) value = connections;
  return value;
}

/** Azure's range for max_connections. */
export const AZURE_MAX_CONNECTIONS = { min: 25, max: 5000 } as const;

/**
 * The tuning basis: the guide's ratios on the size's memory, max_connections inside Azure's range and —
 * with replicas — never below Azure's own default for the size (see recoveryFloor in validate.ts).
 */
export function azureTuningBasis(compute: AzureCompute, maxConnectionsFloor: number): TuningBasis {
  return {
    memoryBytes: compute.memoryBytes,
    ranges: { maxConnections: { min: Math.max(AZURE_MAX_CONNECTIONS.min, maxConnectionsFloor), max: AZURE_MAX_CONNECTIONS.max } },
  };
}

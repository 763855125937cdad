// The instance classes AwsVisorDatabase accepts, with their memory, so the guide's tuning ratios are
// applied to the real instance. RDS for PostgreSQL and Aurora PostgreSQL offer different classes (Aurora
// has no db.m*, and only medium/large burstable classes). Sizes: the RDS and Aurora user guides'
// "Hardware specifications" tables; see README.md's constraints table for which rows are confirmed.
import type { MemoryTable } from "../shared/instance-memory";
import { memoryOf } from "../shared/instance-memory";
import type { TuningBasis } from "../shared/tuning";
import type { Validator } from "../shared/validation";
import type { AwsEngine } from "./args";
import { AURORA_LEFT_TO_CLOUD } from "./defaults";

const SIZES_GIB_PER_VCPU_4 = {
  large: 8,
  xlarge: 16,
  "2xlarge": 32,
  "4xlarge": 64,
  "8xlarge": 128,
  "12xlarge": 192,
  "16xlarge": 256,
};
const BURSTABLE = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };

/** `{ large: 8, … }` with each size's memory multiplied (r-classes have 8 GiB per vCPU, m-classes 4). */
function family(name: string, sizes: Record<string, number>, factor = 1): Record<string, number> {
  return Object.fromEntries(Object.entries(sizes).map(([size, gib]) => [`db.${name}.${size}`, gib * factor]));
}

const M_LARGE = { ...SIZES_GIB_PER_VCPU_4, "24xlarge": 384 };
const M_LARGEST = { ...M_LARGE, "32xlarge": 512 };

/** RDS for PostgreSQL classes → memory in GiB. */
export const RDS_INSTANCE_MEMORY_GIB: MemoryTable = {
  ...family("t3", BURSTABLE),
  ...family("t4g", BURSTABLE),
  ...family("m5", M_LARGE),
  ...family("m6g", SIZES_GIB_PER_VCPU_4),
  ...family("m7g", SIZES_GIB_PER_VCPU_4),
  ...family("m8g", SIZES_GIB_PER_VCPU_4),
  ...family("m6i", M_LARGEST),
  ...family("m7i", M_LARGE),
  ...family("r5", M_LARGE, 2),
  ...family("r6g", SIZES_GIB_PER_VCPU_4, 2),
  ...family("r7g", SIZES_GIB_PER_VCPU_4, 2),
  ...family("r8g", SIZES_GIB_PER_VCPU_4, 2),
  ...family("r6i", M_LARGEST, 2),
  ...family("r7i", M_LARGE, 2),
};

/** Aurora PostgreSQL classes → memory in GiB: no db.m*, burstable only medium and large. */
export const AURORA_INSTANCE_MEMORY_GIB: MemoryTable = {
  "db.t3.medium": 4,
  "db.t3.large": 8,
  "db.t4g.medium": 4,
  "db.t4g.large": 8,
  ...family("r5", M_LARGE, 2),
  ...family("r6g", SIZES_GIB_PER_VCPU_4, 2),
  ...family("r7g", SIZES_GIB_PER_VCPU_4, 2),
  ...family("r8g", SIZES_GIB_PER_VCPU_4, 2),
  ...family("r6i", M_LARGEST, 2),
};

export const INSTANCE_MEMORY_GIB: Readonly<Record<AwsEngine, MemoryTable>> = {
  rds: RDS_INSTANCE_MEMORY_GIB,
  aurora: AURORA_INSTANCE_MEMORY_GIB,
};

const KiB = 1024;
const PAGE = 8 * KiB;

/** The memory (bytes) of `instanceClass` on `engine`, or one refusal naming the field and known classes. */
export function instanceMemory(check: Validator, field: string, engine: AwsEngine, instanceClass: string): number {
  const where = engine === "rds" ? "RDS for PostgreSQL" : "Aurora PostgreSQL";
  return memoryOf(check, field, instanceClass, INSTANCE_MEMORY_GIB[engine], where);
}

/**
 * What the tuning defaults are sized for on this instance: the guide's ratios on its memory, PostgreSQL's
 * ranges (shared_buffers no larger than the instance), and on Aurora its own memory formulas kept.
 */
export function awsTuningBasis(engine: AwsEngine, memoryBytes: number): TuningBasis {
  return {
    memoryBytes,
    ranges: {
      sharedBuffers: { min: 16 * PAGE, max: Math.floor(memoryBytes / PAGE) * PAGE },
      effectiveCacheSize: { min: PAGE, max: 2_147_483_647 * PAGE },
      workMem: { min: 64 * KiB, max: 2_147_483_647 * KiB },
      maintenanceWorkMem: { min: 1024 * KiB, max: 2_147_483_647 * KiB },
      maxConnections: { min: 10, max: 262_143 },
      walBuffers: { min: 4 * PAGE, max: 262_143 * PAGE },
    },
    leftToCloud: engine === "aurora" ? AURORA_LEFT_TO_CLOUD : [],
  };
}

// Instance memory for instance-sized tuning: each cloud keeps a table of the sizes it accepts (its
// classes, tiers or SKUs, in GiB, from the cloud's published sizes) and looks the chosen one up here, so
// an unknown size is one clear error instead of tuning for the wrong box.
import type { Validator } from "./validation";

/** Instance size name → memory in GiB. */
export type MemoryTable = Readonly<Record<string, number>>;

const GiB = 1024 ** 3;

/** The memory in bytes of `value` (a key of `table`), or a refusal naming `field` and some allowed values. */
export function memoryOf(validator: Validator, field: string, value: string, table: MemoryTable, where: string): number {
  const gib = Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined;
  if (gib === undefined) {
    const known = Object.keys(table);
    const sample = known.length > 8 ? `${known.slice(0, 8).join(", ")}, … (${known.length} in ${where})` : known.join(", ");
    return validator.fail(field, `a size with known memory: ${sample}`, value);
  }
  return gib * GiB;
}

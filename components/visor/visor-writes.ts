// The statements Visor's SQL store sends, by the columns each one writes, so `visor-db inspect` can say
// which of Visor's writes a schema would break (not just that it differs from the guide).
import type { SchemaDifference, SchemaReport } from "./inspect";
import { MESSAGE_TRIGGERS, SCHEDULER_LOCKS, SCHEDULES, visorColumns, type TableSpec } from "./schema-definition";

export interface VisorWrite {
  /** What Visor is doing when it sends the statement. */
  name: string;
  table: string;
  statement: "INSERT" | "UPDATE" | "DELETE";
  /** Columns the statement writes or filters on. */
  columns: string[];
}

const names = (spec: TableSpec) => visorColumns(spec).map((c) => c.name);
const LOCK_TIMES = ["lock_id", "node_id", "lock_token", "acquired_at", "expires_at"];

export const VISOR_WRITES: readonly VisorWrite[] = [
  { name: "create a schedule", table: SCHEDULES.name, statement: "INSERT", columns: names(SCHEDULES) },
  { name: "update a schedule after a run", table: SCHEDULES.name, statement: "UPDATE", columns: names(SCHEDULES) },
  { name: "take over an expired lock", table: SCHEDULER_LOCKS.name, statement: "UPDATE", columns: LOCK_TIMES },
  { name: "acquire a free lock", table: SCHEDULER_LOCKS.name, statement: "INSERT", columns: LOCK_TIMES },
  {
    name: "renew a lock",
    table: SCHEDULER_LOCKS.name,
    statement: "UPDATE",
    columns: ["lock_id", "lock_token", "acquired_at", "expires_at"],
  },
  { name: "release a lock", table: SCHEDULER_LOCKS.name, statement: "DELETE", columns: ["lock_id", "lock_token"] },
  { name: "create a message trigger", table: MESSAGE_TRIGGERS.name, statement: "INSERT", columns: names(MESSAGE_TRIGGERS) },
];

export interface FailingWrite {
  write: VisorWrite;
  /** The differences that make it fail. */
  reasons: string[];
}

function breaks(write: VisorWrite, d: SchemaDifference): boolean {
  if (d.table !== write.table) return false;
  if (d.kind === "missing-table") return true;
  // A NOT NULL column Visor does not know fails every INSERT Visor sends.
  if (d.kind === "extra-column") return d.severity === "error" && write.statement === "INSERT";
  // Without the primary key a second INSERT of one lock id no longer fails: two nodes hold one lock.
  if (d.kind === "missing-primary-key") return write.statement === "INSERT";
  if (d.kind === "missing-column" || d.kind === "wrong-type" || d.kind === "wrong-length")
    return d.column !== undefined && write.columns.includes(d.column);
  return false;
}

/** Visor's writes that would fail (or lose their meaning) on the inspected schema. */
export function failingWrites(report: Pick<SchemaReport, "differences">): FailingWrite[] {
  return VISOR_WRITES.map((write) => ({
    write,
    reasons: report.differences.filter((d) => breaks(write, d)).map((d) => d.detail),
  })).filter((f) => f.reasons.length > 0);
}

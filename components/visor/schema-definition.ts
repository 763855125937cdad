// The schema Visor expects: the guide's `schedules` and `scheduler_locks`, plus `message_triggers`
// (read from Visor's own store; the guide omits it). Visor checks only whether each table exists, so every
// table we create must already carry every column Visor uses.

/** This package's schema version; bumped when a table, column or index is added. */
export const SCHEMA_VERSION = "1.0.0";

export type ColumnType = "varchar" | "text" | "bigint" | "integer" | "boolean";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** For varchar. */
  length?: number;
  nullable: boolean;
  default?: string | number | boolean;
  primary?: boolean;
  /**
   * In the guide (and Visor's SQLite DDL) but never created, read or written by Visor's SQL store: a
   * table without it is still what Visor needs. `bootstrap` adds it; `inspect` reports it as information.
   */
  guideOnly?: boolean;
}

export interface IndexSpec {
  /** The guide's name. Visor's own store names indexes knex's way; indexes match by their columns. */
  name: string;
  columns: string[];
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  indexes: IndexSpec[];
}

const col = (name: string, type: ColumnType, opts: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type,
  nullable: true,
  ...opts,
});
const req = { nullable: false } as const;

export const SCHEDULES: TableSpec = {
  name: "schedules",
  columns: [
    col("id", "varchar", { length: 36, primary: true, nullable: false }),
    col("creator_id", "varchar", { length: 255, ...req }),
    col("creator_context", "varchar", { length: 255 }),
    col("creator_name", "varchar", { length: 255 }),
    col("timezone", "varchar", { length: 64, ...req, default: "UTC" }),
    col("schedule_expr", "varchar", { length: 255 }),
    col("run_at", "bigint"),
    col("is_recurring", "boolean", req),
    col("original_expression", "text"),
    col("workflow", "varchar", { length: 255 }),
    col("workflow_inputs", "text"),
    col("output_context", "text"),
    col("status", "varchar", { length: 20, ...req }),
    col("created_at", "bigint", req),
    col("last_run_at", "bigint"),
    col("next_run_at", "bigint"),
    col("run_count", "integer", { ...req, default: 0 }),
    col("failure_count", "integer", { ...req, default: 0 }),
    col("last_error", "text"),
    col("previous_response", "text"),
    col("claimed_by", "varchar", { length: 255, guideOnly: true }),
    col("claimed_at", "bigint", { guideOnly: true }),
    col("lock_token", "varchar", { length: 36, guideOnly: true }),
  ],
  indexes: [
    { name: "idx_schedules_creator_id", columns: ["creator_id"] },
    { name: "idx_schedules_status", columns: ["status"] },
    { name: "idx_schedules_status_next_run", columns: ["status", "next_run_at"] },
  ],
};

export const SCHEDULER_LOCKS: TableSpec = {
  name: "scheduler_locks",
  columns: [
    col("lock_id", "varchar", { length: 255, primary: true, nullable: false }),
    col("node_id", "varchar", { length: 255, ...req }),
    col("lock_token", "varchar", { length: 36, ...req }),
    col("acquired_at", "bigint", req),
    col("expires_at", "bigint", req),
  ],
  indexes: [],
};

export const MESSAGE_TRIGGERS: TableSpec = {
  name: "message_triggers",
  columns: [
    col("id", "varchar", { length: 36, primary: true, nullable: false }),
    col("creator_id", "varchar", { length: 255, ...req }),
    col("creator_context", "varchar", { length: 255 }),
    col("creator_name", "varchar", { length: 255 }),
    col("description", "text"),
    col("channels", "text"),
    col("from_users", "text"),
    col("from_bots", "boolean", { ...req, default: false }),
    col("contains", "text"),
    col("match_pattern", "text"),
    col("threads", "varchar", { length: 20, ...req, default: "any" }),
    col("workflow", "varchar", { length: 255, ...req }),
    col("inputs", "text"),
    col("output_context", "text"),
    col("status", "varchar", { length: 20, ...req, default: "active" }),
    col("enabled", "boolean", { ...req, default: true }),
    col("created_at", "bigint", req),
  ],
  indexes: [
    { name: "idx_message_triggers_creator_id", columns: ["creator_id"] },
    { name: "idx_message_triggers_status", columns: ["status"] },
  ],
};

/** In creation order. */
export const VISOR_TABLES: readonly TableSpec[] = [SCHEDULES, SCHEDULER_LOCKS, MESSAGE_TRIGGERS];
export const VISOR_TABLE_NAMES: readonly string[] = VISOR_TABLES.map((t) => t.name);

/** The columns Visor's SQL store itself writes to a table (every column but the guide-only ones). */
export function visorColumns(spec: TableSpec): ColumnSpec[] {
  return spec.columns.filter((c) => !c.guideOnly);
}

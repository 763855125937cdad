// Visor's legacy `.visor/schedules.json`: an array of camelCase (or snake_case) schedule objects, or
// `{ "schedules": [...] }`. Small by nature, so it is read whole; the bytes must be valid UTF-8 (a lenient
// read would turn bad bytes into U+FFFD without a word).
import { TextDecoder } from "node:util";
import { SCHEDULES } from "../../components/visor/schema-definition";
import type { Row } from "./checksum";
import { OpsError } from "./errors";
import { JSON_COLUMNS } from "./sqlite-values";

/** The legacy JSON store's camelCase names → Visor's columns. snake_case names are accepted as they are. */
export const LEGACY_FIELDS: Record<string, string> = {
  id: "id",
  creatorId: "creator_id",
  creatorContext: "creator_context",
  creatorName: "creator_name",
  timezone: "timezone",
  schedule: "schedule_expr",
  scheduleExpr: "schedule_expr",
  runAt: "run_at",
  isRecurring: "is_recurring",
  originalExpression: "original_expression",
  workflow: "workflow",
  workflowInputs: "workflow_inputs",
  outputContext: "output_context",
  status: "status",
  createdAt: "created_at",
  lastRunAt: "last_run_at",
  nextRunAt: "next_run_at",
  runCount: "run_count",
  failureCount: "failure_count",
  lastError: "last_error",
  previousResponse: "previous_response",
  claimedBy: "claimed_by",
  claimedAt: "claimed_at",
  lockToken: "lock_token",
};

export interface LegacyStore {
  /** Mapped to Visor's columns, not yet checked. */
  schedules: Row[];
  /** Fields that map to no column (not copied). */
  unknownFields: string[];
}

export function readLegacyJson(path: string, bytes: Buffer): LegacyStore {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new OpsError(`${path} is neither a SQLite database nor valid JSON in UTF-8 (${(err as Error).message})`);
  }
  let items: unknown[];
  if (Array.isArray(doc)) items = doc;
  else if (doc && typeof doc === "object" && Array.isArray((doc as { schedules?: unknown }).schedules))
    items = (doc as { schedules: unknown[] }).schedules;
  else throw new OpsError(`${path} must hold an array of schedules or { "schedules": [...] }`);
  const unknown = new Set<string>();
  const columns = new Set(SCHEDULES.columns.map((c) => c.name));
  const schedules = items.map((item, i) => {
    if (!item || typeof item !== "object" || Array.isArray(item))
      throw new OpsError(`${path}: schedule #${i + 1} is not an object`);
    const row: Row = {};
    for (const [key, value] of Object.entries(item)) {
      const col = LEGACY_FIELDS[key] ?? (columns.has(key) ? key : undefined);
      if (!col) {
        unknown.add(key);
        continue;
      }
      row[col] = legacyValue(col, value);
    }
    if (row.is_recurring === undefined || row.is_recurring === null) row.is_recurring = Boolean(row.schedule_expr);
    if (row.status === undefined || row.status === null) row.status = "active";
    return row;
  });
  return { schedules, unknownFields: [...unknown].sort() };
}

/** JSON columns hold text (objects are stringified); timestamps may be ISO strings. */
function legacyValue(col: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if ((JSON_COLUMNS.schedules!.has(col) || col === "previous_response") && typeof value === "object")
    return JSON.stringify(value);
  const spec = SCHEDULES.columns.find((c) => c.name === col)!;
  if (spec.type === "bigint" && typeof value === "string" && !/^-?\d+$/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : ms;
  }
  return value;
}

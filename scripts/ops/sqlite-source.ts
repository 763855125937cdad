// Reading Visor's local scheduler store: the SQLite `.visor/schedules.db` (tables `schedules` and
// `scheduler_locks`, Visor's column names, booleans as 0/1, epoch-ms integers, JSON as text) or the legacy
// `.visor/schedules.json` (camelCase schedule objects). Rows come out typed for Visor's schema, validated
// (required columns, lengths, JSON that parses), with the fields we did not recognise listed.
import { readFileSync } from "node:fs";
import { SCHEDULER_LOCKS, SCHEDULES, type TableSpec } from "../../components/visor/schema-definition";
import { canonicalValue, primaryKey, ValueError, type Row } from "./checksum";
import { OpsError } from "./errors";

export const JSON_TEXT_COLUMNS = new Set(["workflow_inputs", "output_context"]);

export interface VisorStore {
  kind: "sqlite" | "json";
  path: string;
  schedules: Row[];
  /** Only read from SQLite, and only when asked for. */
  locks?: Row[];
  /** Source columns/fields that map to no column of Visor's schema (not copied). */
  unknownFields: string[];
}

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

/** Reads the store at `path`: SQLite by its header, otherwise JSON. */
export function readVisorStore(path: string, options: { locks?: boolean } = {}): VisorStore {
  let head: Buffer;
  try {
    head = readFileSync(path).subarray(0, 16);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new OpsError(e.code === "ENOENT" ? `${path} not found` : `cannot read ${path}: ${e.message}`);
  }
  return head.toString("latin1").startsWith("SQLite format 3") ? readSqlite(path, options) : readLegacyJson(path);
}

function readSqlite(path: string, options: { locks?: boolean }): VisorStore {
  const Database = require("better-sqlite3") as typeof import("better-sqlite3");
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.defaultSafeIntegers(true);
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name),
    );
    if (!tables.has("schedules")) throw new OpsError(`${path} has no schedules table: is it Visor's .visor/schedules.db?`);
    const unknownFields: string[] = [];
    const readTable = (spec: TableSpec): Row[] => {
      const cols = (db.prepare(`PRAGMA table_info(${spec.name})`).all() as { name: string }[]).map((c) => c.name);
      for (const c of cols) if (!spec.columns.some((s) => s.name === c)) unknownFields.push(`${spec.name}.${c}`);
      const raw = db.prepare(`SELECT * FROM ${spec.name}`).all() as Row[];
      return typeRows(spec, raw, path);
    };
    const schedules = readTable(SCHEDULES);
    let locks: Row[] | undefined;
    if (options.locks) locks = tables.has("scheduler_locks") ? readTable(SCHEDULER_LOCKS) : [];
    return { kind: "sqlite", path, schedules, locks, unknownFields };
  } catch (err) {
    if (err instanceof OpsError) throw err;
    throw new OpsError(`cannot read ${path} as Visor's SQLite store: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

function readLegacyJson(path: string): VisorStore {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new OpsError(`${path} is neither a SQLite database nor valid JSON (${(err as Error).message})`);
  }
  let items: unknown[];
  if (Array.isArray(doc)) items = doc;
  else if (doc && typeof doc === "object" && Array.isArray((doc as { schedules?: unknown }).schedules))
    items = (doc as { schedules: unknown[] }).schedules;
  else throw new OpsError(`${path} must hold an array of schedules or { "schedules": [...] }`);
  const unknown = new Set<string>();
  const columns = new Set(SCHEDULES.columns.map((c) => c.name));
  const raw = items.map((item, i) => {
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
  return { kind: "json", path, schedules: typeRows(SCHEDULES, raw, path), unknownFields: [...unknown].sort() };
}

/** JSON columns hold text (objects are stringified); timestamps may be ISO strings. */
function legacyValue(col: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if ((JSON_TEXT_COLUMNS.has(col) || col === "previous_response") && typeof value === "object") return JSON.stringify(value);
  const spec = SCHEDULES.columns.find((c) => c.name === col)!;
  if (spec.type === "bigint" && typeof value === "string" && !/^-?\d+$/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : ms;
  }
  return value;
}

/** Values typed for insertion (BIGINT as decimal text, booleans, integers, strings); every problem listed at once. */
export function typeRows(spec: TableSpec, raw: Row[], where: string): Row[] {
  const problems: string[] = [];
  const pk = primaryKey(spec);
  const seen = new Set<string>();
  const rows = raw.map((r, i) => {
    const label = r[pk] === undefined || r[pk] === null ? `${spec.name} row ${i + 1}` : `${spec.name} ${String(r[pk])}`;
    const out: Row = {};
    for (const c of spec.columns) {
      let v: unknown = r[c.name];
      if (v === null || v === undefined) {
        if (c.default !== undefined) v = c.default;
        else if (!c.nullable) {
          problems.push(`${label}: ${c.name} is missing`);
          continue;
        } else {
          out[c.name] = null;
          continue;
        }
      }
      let text: string | null;
      try {
        text = canonicalValue(c, v);
      } catch (err) {
        if (!(err instanceof ValueError)) throw err;
        problems.push(`${label}: ${err.message}`);
        continue;
      }
      if (c.type === "boolean") out[c.name] = text === "true";
      else if (c.type === "integer") out[c.name] = Number(text);
      else out[c.name] = text;
      if (c.type === "integer" && !Number.isSafeInteger(out[c.name])) problems.push(`${label}: ${c.name} is out of range`);
      if (c.type === "varchar" && c.length !== undefined && text !== null && [...text].length > c.length)
        problems.push(`${label}: ${c.name} is longer than ${c.length} characters`);
      if (JSON_TEXT_COLUMNS.has(c.name) && text !== null && spec === SCHEDULES) {
        try {
          JSON.parse(text);
        } catch {
          problems.push(`${label}: ${c.name} is not valid JSON`);
        }
      }
    }
    const key = String(out[pk]);
    if (seen.has(key)) problems.push(`${label}: duplicate ${pk}`);
    seen.add(key);
    return out;
  });
  if (problems.length) {
    throw new OpsError(
      `${where}: ${problems.length} problem(s), nothing was copied: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? "; …" : ""}`,
    );
  }
  return rows;
}

// Reading Visor's local scheduler store: the SQLite `.visor/schedules.db` (Visor's column names, booleans
// as 0/1, epoch-ms integers, JSON as text) through Node's built-in `node:sqlite`, or the legacy
// `.visor/schedules.json`. SQLite rows are streamed in primary-key order and checked one at a time, so a
// large store is never held in memory. TEXT is read as its raw bytes (CAST … AS BLOB): a lenient decode
// would already have replaced invalid UTF-8 before anything could check it.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { TextDecoder } from "node:util";
import { SCHEDULES, VISOR_TABLES, type TableSpec } from "../../components/visor/schema-definition";
import { primaryKey, type Row } from "./checksum";
import { OpsError } from "./errors";
import { readLegacyJson } from "./sqlite-legacy-json";
import { checkRow, problemsError, type CheckedRow, type SourceValue } from "./sqlite-values";

export { typeRows } from "./sqlite-values";

export interface SourceTable {
  spec: TableSpec;
  /** Rows in the source (counted before reading). */
  rows: number;
}

export interface VisorSource {
  kind: "sqlite" | "json";
  path: string;
  /** Visor's tables the source has (always `schedules`). */
  tables: SourceTable[];
  /** Tables that are not Visor's, with their row counts. */
  otherTables: { name: string; rows: number }[];
  /** Source columns/fields that map to no column of Visor's schema (not copied). */
  unknownFields: string[];
  /** The table's rows in primary-key order, each checked as it is read. Empty for a table the source lacks. */
  rows(spec: TableSpec): Iterable<CheckedRow>;
  close(): void;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Opens the store at `path`: SQLite by its header, otherwise legacy JSON. */
export function openVisorStore(path: string): VisorSource {
  const head = Buffer.alloc(16);
  try {
    const fd = openSync(path, "r");
    try {
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new OpsError(e.code === "ENOENT" ? `${path} not found` : `cannot read ${path}: ${e.message}`);
  }
  return head.toString("latin1").startsWith("SQLite format 3") ? openSqlite(path) : openLegacyJson(path);
}

/** node:sqlite, loaded when needed (Node >= 22.13), without its "experimental" warning on every run. */
function nodeSqlite(): typeof import("node:sqlite") {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (/SQLite is an experimental feature/.test(String(warning))) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return require("node:sqlite") as typeof import("node:sqlite");
  } catch {
    throw new OpsError(`reading a SQLite store needs Node.js >= 22.13 (node:sqlite); this is Node.js ${process.version}`);
  } finally {
    process.emitWarning = emitWarning;
  }
}

function openSqlite(path: string): VisorSource {
  const { DatabaseSync } = nodeSqlite();
  const fail = (err: unknown): never => {
    if (err instanceof OpsError) throw err;
    throw new OpsError(`cannot read ${path} as Visor's SQLite store: ${(err as Error).message}`);
  };
  let db: import("node:sqlite").DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (err) {
    return fail(err);
  }
  try {
    const { encoding } = db.prepare("PRAGMA encoding").get() as { encoding: string };
    // CAST(text AS BLOB) gives the bytes in the database's own encoding: UTF-8 unless created otherwise.
    const decoder = encoding === "UTF-8" ? undefined : new TextDecoder(encoding.toLowerCase(), { fatal: true, ignoreBOM: true });
    const names = (
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        .all() as { name: string }[]
    ).map((t) => t.name);
    if (!names.includes("schedules")) throw new OpsError(`${path} has no schedules table: is it Visor's .visor/schedules.db?`);
    const count = (name: string) => Number((db.prepare(`SELECT COUNT(*) AS n FROM ${quote(name)}`).get() as { n: number }).n);
    const tables: SourceTable[] = [];
    const otherTables: { name: string; rows: number }[] = [];
    const unknownFields: string[] = [];
    const columns = new Map<string, string[]>();
    for (const name of names) if (!VISOR_TABLES.some((t) => t.name === name)) otherTables.push({ name, rows: count(name) });
    for (const spec of VISOR_TABLES) {
      const name = spec.name;
      if (!names.includes(name)) continue;
      const cols = (db.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string }[]).map((c) => c.name);
      for (const c of cols) if (!spec.columns.some((s) => s.name === c)) unknownFields.push(`${name}.${c}`);
      if (!cols.includes(primaryKey(spec))) throw new OpsError(`${path}: table ${name} has no ${primaryKey(spec)} column`);
      columns.set(
        name,
        cols.filter((c) => spec.columns.some((s) => s.name === c)),
      );
      tables.push({ spec, rows: count(name) });
    }
    function* rows(spec: TableSpec): Iterable<CheckedRow> {
      const cols = columns.get(spec.name);
      if (!cols) return;
      // Per column its storage class and its value, TEXT as raw bytes.
      const select = cols
        .map(
          (c, i) =>
            `typeof(${quote(c)}) AS t${i}, CASE WHEN typeof(${quote(c)}) = 'text' THEN CAST(${quote(c)} AS BLOB) ELSE ${quote(c)} END AS v${i}`,
        )
        .join(", ");
      const statement = db.prepare(`SELECT ${select} FROM ${quote(spec.name)} ORDER BY ${quote(primaryKey(spec))}`);
      statement.setReadBigInts(true);
      let ordinal = 0;
      try {
        for (const r of statement.iterate() as Iterable<Record<string, unknown>>) {
          const raw: Record<string, SourceValue> = {};
          cols.forEach((c, i) => {
            const [storage, value] = [r[`t${i}`], r[`v${i}`]];
            raw[c] =
              storage === "text"
                ? { text: value as Uint8Array }
                : storage === "blob"
                  ? { blob: value as Uint8Array }
                  : (value as SourceValue);
          });
          yield checkRow(spec, raw, ++ordinal, decoder);
        }
      } catch (err) {
        fail(err);
      }
    }
    return { kind: "sqlite", path, tables, otherTables, unknownFields, rows, close: () => db.close() };
  } catch (err) {
    db.close();
    return fail(err);
  }
}

function openLegacyJson(path: string): VisorSource {
  const legacy = readLegacyJson(path, readFileSync(path));
  const checked = legacy.schedules
    .map((r, i) => checkRow(SCHEDULES, r as Record<string, SourceValue>, i + 1))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    kind: "json",
    path,
    tables: [{ spec: SCHEDULES, rows: checked.length }],
    otherTables: [],
    unknownFields: legacy.unknownFields,
    rows: (spec) => (spec === SCHEDULES ? checked : []),
    close: () => undefined,
  };
}

export interface VisorStore {
  kind: "sqlite" | "json";
  path: string;
  schedules: Row[];
  locks?: Row[];
  message_triggers?: Row[];
  unknownFields: string[];
}

/** The whole store in memory, typed and checked (for small stores and tests; `migrate-sqlite` streams). */
export function readVisorStore(path: string, options: { locks?: boolean } = {}): VisorStore {
  const source = openVisorStore(path);
  try {
    const problems: string[] = [];
    const all = (name: string): Row[] | undefined => {
      const spec = VISOR_TABLES.find((t) => t.name === name)!;
      if (!source.tables.some((t) => t.spec === spec)) return undefined;
      return [...source.rows(spec)].map((r) => {
        problems.push(...r.problems);
        return r.values;
      });
    };
    const store: VisorStore = {
      kind: source.kind,
      path,
      schedules: all("schedules")!,
      message_triggers: all("message_triggers") ?? [],
      unknownFields: source.unknownFields,
    };
    if (options.locks) store.locks = all("scheduler_locks") ?? [];
    if (problems.length) throw problemsError(path, problems.length, problems);
    return store;
  } finally {
    source.close();
  }
}

// Row checksums that mean the same on SQLite, PostgreSQL and MySQL/MariaDB: every value is first put in a
// canonical form by its column type in Visor's schema (BIGINT as decimal text, booleans as true/false, text
// as is), so a row copied between databases, or dumped and restored, hashes identically.
import { createHash } from "node:crypto";
import type { Knex } from "knex";
import { VISOR_TABLES, type ColumnSpec, type TableSpec } from "../../components/visor/schema-definition";

export type Row = Record<string, unknown>;

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

const TRUE = new Set<unknown>([true, 1, "1", "true", "t", "TRUE", 1n]);
const FALSE = new Set<unknown>([false, 0, "0", "false", "f", "FALSE", 0n]);

/** A value in its canonical text form for the column's type; null stays null. Throws ValueError on a value the type cannot hold. */
export function canonicalValue(col: ColumnSpec, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (col.type) {
    case "boolean":
      if (TRUE.has(value)) return "true";
      if (FALSE.has(value)) return "false";
      throw new ValueError(`${col.name} must be a boolean (got ${JSON.stringify(String(value))})`);
    case "bigint":
    case "integer": {
      if (typeof value === "bigint") return value.toString();
      if (typeof value === "number" && Number.isInteger(value)) return BigInt(value).toString();
      if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return BigInt(value.trim()).toString();
      throw new ValueError(`${col.name} must be an integer (got ${JSON.stringify(String(value))})`);
    }
    default:
      if (typeof value === "string") return value;
      if (Buffer.isBuffer(value)) return bytesText(value);
      if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
      return JSON.stringify(value);
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Text read as bytes: valid UTF-8 is its text (so it hashes as the same string read as text); other bytes
 * (a SQL_ASCII database may hold any) become a lone surrogate, which no decoded text contains, then hex.
 */
function bytesText(value: Buffer): string {
  try {
    return strictUtf8.decode(value);
  } catch {
    return `\udc00${value.toString("hex")}`;
  }
}

export function primaryKey(spec: TableSpec): string {
  return spec.columns.find((c) => c.primary)!.name;
}

/** SHA-256 of the row's canonical values, in the schema's column order (columns the row lacks count as null). */
export function rowHash(spec: TableSpec, row: Row): string {
  return createHash("sha256")
    .update(JSON.stringify(spec.columns.map((c) => canonicalValue(c, row[c.name]))))
    .digest("hex");
}

export interface TableDigest {
  rows: number;
  /** SHA-256 over every row's primary key and hash, in primary-key order (code-unit order, the same everywhere). */
  digest: string;
}

export interface RowHashes extends TableDigest {
  /** Primary key → row hash. */
  hashes: Map<string, string>;
}

export function hashRows(spec: TableSpec, rows: Iterable<Row>): RowHashes {
  const pk = primaryKey(spec);
  const hashes = new Map<string, string>();
  for (const row of rows) hashes.set(String(row[pk]), rowHash(spec, row));
  return { ...digestOf(hashes), hashes };
}

export function digestOf(hashes: Map<string, string>): TableDigest {
  const h = createHash("sha256");
  for (const key of [...hashes.keys()].sort()) h.update(`${key}\t${hashes.get(key)}\n`);
  return { rows: hashes.size, digest: h.digest("hex") };
}

/** Row hashes of one of Visor's tables as it is in the database (`undefined` when the table does not exist). */
export async function tableHashes(db: Knex | Knex.Transaction, spec: TableSpec): Promise<RowHashes | undefined> {
  if (!(await db.schema.hasTable(spec.name))) return undefined;
  const rows = (await db.select(await textAsBytes(db, spec)).from(spec.name)) as Row[];
  return hashRows(spec, rows);
}

/**
 * `*`, except in a PostgreSQL SQL_ASCII database: there text may hold bytes that are not UTF-8, which the
 * server refuses to send to a UTF-8 client, so text columns are read as their bytes (`convert_to` its own encoding: no conversion).
 */
async function textAsBytes(db: Knex | Knex.Transaction, spec: TableSpec): Promise<(string | Knex.Raw)[]> {
  if ((db.client as { dialect?: string }).dialect !== "postgresql") return ["*"];
  const { rows } = (await db.raw("SELECT current_setting('server_encoding') AS e")) as { rows: { e: string }[] };
  if (rows[0]!.e !== "SQL_ASCII") return ["*"];
  const present = Object.keys(await db(spec.name).columnInfo());
  return spec.columns
    .filter((c) => present.includes(c.name))
    .map((c) =>
      c.type === "text" || c.type === "varchar" ? db.raw("convert_to(??, 'SQL_ASCII') AS ??", [c.name, c.name]) : c.name,
    );
}

/** Digests of every Visor table that exists, by name. */
export async function visorDigests(db: Knex | Knex.Transaction): Promise<Record<string, TableDigest>> {
  const out: Record<string, TableDigest> = {};
  for (const spec of VISOR_TABLES) {
    const h = await tableHashes(db, spec);
    if (h) out[spec.name] = { rows: h.rows, digest: h.digest };
  }
  return out;
}

/** Primary keys whose hashes differ or are missing on one side; at most `limit` of each. */
export function compareHashes(
  source: Map<string, string>,
  target: Map<string, string>,
  limit = 10,
): { missing: string[]; different: string[]; missingCount: number; differentCount: number } {
  const missing: string[] = [];
  const different: string[] = [];
  let missingCount = 0;
  let differentCount = 0;
  for (const [key, hash] of source) {
    const t = target.get(key);
    if (t === undefined) {
      if (missingCount++ < limit) missing.push(key);
    } else if (t !== hash) {
      if (differentCount++ < limit) different.push(key);
    }
  }
  return { missing, different, missingCount, differentCount };
}

/** Bytes of one value for a byte-exact comparison: text as its UTF-8 bytes (a Uint8Array is taken as those bytes, as read from the source), other types in canonical form. */
export function canonicalBytes(col: ColumnSpec, value: unknown): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if ((col.type === "varchar" || col.type === "text") && value instanceof Uint8Array) return value;
  return Buffer.from(canonicalValue(col, value)!, "utf8");
}

/**
 * SHA-256 of a row's exact bytes, in the schema's column order. Unlike `rowHash` nothing is decoded first,
 * so source bytes a database could not keep (invalid UTF-8 turned into U+FFFD, say) never hash alike.
 */
export function rowBytesHash(spec: TableSpec, row: Row): string {
  const parts: Uint8Array[] = [];
  for (const c of spec.columns) {
    const bytes = canonicalBytes(c, row[c.name]);
    // A length prefix per value: ("ab", "c") and ("a", "bc") differ; -1 marks NULL.
    parts.push(Buffer.from(`${bytes === null ? -1 : bytes.length}:`, "latin1"));
    if (bytes) parts.push(bytes);
  }
  return createHash("sha256").update(Buffer.concat(parts)).digest("hex");
}

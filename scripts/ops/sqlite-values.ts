// Checking one source value against the column of Visor's schema it is copied into, before anything is
// written: the value is typed for the target and kept as the exact bytes the source holds (for the row
// checksum), or refused with the reason. Text must be valid UTF-8 without NUL (PostgreSQL text cannot hold
// either, and MySQL's utf8mb4 no invalid UTF-8), so such a value is refused, never "repaired" to U+FFFD.
import { isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";
import type { ColumnSpec, TableSpec } from "../../components/visor/schema-definition";
import { canonicalValue, primaryKey, ValueError, type Row } from "./checksum";
import { OpsError } from "./errors";

/** A TEXT value as the raw bytes SQLite stores (read with CAST(… AS BLOB), so nothing was decoded yet). */
export interface SqliteText {
  text: Uint8Array;
}
/** A BLOB value. */
export interface SqliteBlob {
  blob: Uint8Array;
}
/** SQLite values by storage class (INTEGER as bigint, REAL as number), or plain JSON values from the legacy store. */
export type SourceValue = null | undefined | bigint | number | boolean | string | object | SqliteText | SqliteBlob;

/** Columns holding JSON text, by table: their text must parse. */
export const JSON_COLUMNS: Record<string, ReadonlySet<string>> = {
  schedules: new Set(["workflow_inputs", "output_context"]),
  message_triggers: new Set(["channels", "from_users", "inputs", "output_context"]),
};

/** Ranges of the target's column types: PostgreSQL and MySQL INTEGER are 32-bit, BIGINT 64-bit. */
export const INTEGER_RANGES: Record<"integer" | "bigint", [bigint, bigint]> = {
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

const isText = (v: unknown): v is SqliteText => typeof v === "object" && v !== null && "text" in v;
const isBlob = (v: unknown): v is SqliteBlob => typeof v === "object" && v !== null && "blob" in v;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Where a strict UTF-8 decoder first gives up (only called once decoding failed). */
function invalidUtf8Offset(bytes: Uint8Array): number {
  const d = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  for (let i = 0; i < bytes.length; i++) {
    try {
      d.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      return i;
    }
  }
  return bytes.length;
}

/** The text of a SQLite TEXT value, decoded strictly; `decoder` is for databases not stored as UTF-8. */
function decodeText(col: ColumnSpec, bytes: Uint8Array, decoder: TextDecoder | undefined): string {
  // isUtf8 is a fast native check; Buffer's decoder then keeps a leading BOM as the character it is.
  if (!decoder && isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  try {
    return (decoder ?? strictUtf8).decode(bytes);
  } catch {
    if (decoder) throw new ValueError(`${col.name} is not valid ${decoder.encoding}; it cannot be copied faithfully`);
    const at = invalidUtf8Offset(bytes);
    throw new ValueError(
      `${col.name} is not valid UTF-8 (byte ${at} is 0x${(bytes[at] ?? 0).toString(16).padStart(2, "0")}); the target's text cannot hold these bytes, so they are not copied`,
    );
  }
}

function blobProblem(col: ColumnSpec, blob: Uint8Array): ValueError {
  const what = col.type === "varchar" || col.type === "text" ? "text" : col.type;
  return new ValueError(
    `${col.name} holds a BLOB (${blob.length} bytes${blob.includes(0) ? ", with NUL" : ""}), not ${what}; it cannot be copied faithfully`,
  );
}

export interface CheckedValue {
  /** As inserted: boolean, integer as number, BIGINT as decimal text, text as string; or null. */
  value: unknown;
  /** For the byte checksum: the source's own bytes for text, the canonical form for the rest. */
  source: unknown;
}

/** Checks and types one value for `col` (null handling is the caller's). Throws ValueError naming the column. */
export function checkValue(table: string, col: ColumnSpec, raw: SourceValue, decoder?: TextDecoder): CheckedValue {
  if (isBlob(raw)) throw blobProblem(col, raw.blob);
  if (col.type === "varchar" || col.type === "text") {
    let text: string;
    let bytes: Uint8Array;
    if (isText(raw)) {
      text = decodeText(col, raw.text, decoder);
      bytes = decoder ? Buffer.from(text, "utf8") : raw.text;
    } else {
      text = canonicalValue(col, raw)!;
      if (/\p{Cs}/u.test(text)) throw new ValueError(`${col.name} holds an unpaired UTF-16 surrogate, which is not text`);
      bytes = Buffer.from(text, "utf8");
    }
    const nul = bytes.indexOf(0);
    if (nul >= 0) throw new ValueError(`${col.name} contains a NUL byte (at byte ${nul}), which PostgreSQL text cannot hold`);
    if (col.type === "varchar" && col.length !== undefined && [...text].length > col.length)
      throw new ValueError(`${col.name} is longer than ${col.length} characters`);
    if (JSON_COLUMNS[table]?.has(col.name)) {
      try {
        JSON.parse(text);
      } catch {
        throw new ValueError(`${col.name} is not valid JSON`);
      }
    }
    return { value: text, source: bytes };
  }
  const plain = isText(raw) ? decodeText(col, raw.text, decoder) : raw;
  const canonical = canonicalValue(col, plain)!;
  if (col.type === "boolean") return { value: canonical === "true", source: canonical };
  const [min, max] = INTEGER_RANGES[col.type];
  const n = BigInt(canonical);
  if (n < min || n > max)
    throw new ValueError(`${col.name} is ${canonical}, outside the target's ${col.type.toUpperCase()} range (${min} to ${max})`);
  return { value: col.type === "integer" ? Number(n) : canonical, source: canonical };
}

export interface CheckedRow {
  /** The primary key as text ("" when missing). */
  key: string;
  /** Typed for insertion. */
  values: Row;
  /** For the byte checksum (`rowBytesHash`). */
  source: Row;
  /** "<table> <id>: <column> …", one per problem. */
  problems: string[];
}

/** Checks a whole row: missing required values take the schema's default or are a problem; every problem is listed. */
export function checkRow(spec: TableSpec, raw: Record<string, SourceValue>, ordinal: number, decoder?: TextDecoder): CheckedRow {
  const pk = primaryKey(spec);
  const values: Row = {};
  const source: Row = {};
  const problems: string[] = [];
  const id = raw[pk];
  // Named by its id as far as it can be shown (an id that is no valid text is itself reported below).
  const shown = isText(id)
    ? Buffer.from(id.text).toString("utf8")
    : ["string", "number", "bigint"].includes(typeof id)
      ? String(id)
      : "";
  const label = shown ? `${spec.name} ${shown}` : `${spec.name} row ${ordinal}`;
  for (const c of spec.columns) {
    let v = raw[c.name];
    if (v === null || v === undefined) {
      if (c.default === undefined) {
        if (!c.nullable) problems.push(`${label}: ${c.name} is missing`);
        values[c.name] = source[c.name] = null;
        continue;
      }
      v = c.default;
    }
    try {
      const checked = checkValue(spec.name, c, v, decoder);
      values[c.name] = checked.value;
      source[c.name] = checked.source;
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      problems.push(`${label}: ${err.message}`);
    }
  }
  const key = values[pk];
  return { key: key === null || key === undefined ? "" : String(key), values, source, problems };
}

/** Rows typed for insertion, every problem listed at once (for stores read whole: the legacy JSON file). */
export function typeRows(spec: TableSpec, raw: Row[], where: string): Row[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const rows = raw.map((r, i) => {
    const checked = checkRow(spec, r as Record<string, SourceValue>, i + 1);
    problems.push(...checked.problems);
    if (checked.key && seen.has(checked.key)) problems.push(`${spec.name} ${checked.key}: duplicate ${primaryKey(spec)}`);
    seen.add(checked.key);
    return checked.values;
  });
  if (problems.length) throw problemsError(where, problems.length, problems);
  return rows;
}

/** The one error for a source that cannot be copied: how many problems, the first three. */
export function problemsError(where: string, count: number, first: string[]): OpsError {
  return new OpsError(
    `${where}: ${count} problem(s), nothing was copied: ${first.slice(0, 3).join("; ")}${count > 3 ? "; …" : ""}`,
  );
}

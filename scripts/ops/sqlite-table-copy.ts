// One table of Visor's store, streamed in batches: first checked whole (nothing written), then copied into
// the target inside the caller's transaction. Every source row is compared with the target's row by the
// checksum of its exact bytes — rows already there are left alone (identical or reported), new ones are
// read back after the INSERT — so a mismatch is found before COMMIT and rolls everything back.
import { createHash } from "node:crypto";
import type { Knex } from "knex";
import type { TableSpec } from "../../components/visor/schema-definition";
import { primaryKey, rowBytesHash, type Row } from "./checksum";
import { OpsError } from "./errors";
import { throttled, type Progress } from "./progress";
import type { SourceTable, VisorSource } from "./sqlite-source";
import type { CheckedRow } from "./sqlite-values";

export interface TableMigration {
  table: string;
  /** Rows in the source. */
  source: number;
  /** Rows this run inserted (with --dry-run: would insert). */
  inserted: number;
  /** Source rows already in the target, byte-identical. */
  unchanged: number;
  /** Source rows already in the target with different values: left as they are. */
  conflicting: number;
  conflictIds: string[];
  /** Rows in the target table afterwards (with --dry-run: now). */
  targetRows: number;
  /** Every source row is in the target with the same checksum (conflicts aside). */
  verified: boolean;
}

export interface TableCheck {
  rows: number;
  /** SHA-256 over every row's key and byte checksum in the source's order: pass two must read the same. */
  digest: string;
  problems: number;
  /** The first few problems, "<table> <id>: <column> …". */
  firstProblems: string[];
}

function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Pass one: every row of the table checked (types, ranges, UTF-8, duplicates) without keeping any. */
export function checkTable(source: VisorSource, table: SourceTable, keep = 3): TableCheck {
  const pk = primaryKey(table.spec);
  const digest = createHash("sha256");
  const out: TableCheck = { rows: 0, digest: "", problems: 0, firstProblems: [] };
  const note = (p: string) => {
    if (out.problems++ < keep) out.firstProblems.push(p);
  };
  let previous: string | undefined;
  for (const row of source.rows(table.spec)) {
    out.rows++;
    row.problems.forEach(note);
    if (row.key && row.key === previous) note(`${table.spec.name} ${row.key}: duplicate ${pk}`);
    previous = row.key;
    digest.update(`${row.key}\t${rowBytesHash(table.spec, row.source)}\n`);
  }
  out.digest = digest.digest("hex");
  return out;
}

/** Byte checksums of the target's rows with these keys. */
async function targetHashes(db: Knex | Knex.Transaction, spec: TableSpec, keys: string[]): Promise<Map<string, string>> {
  const pk = primaryKey(spec);
  const out = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = (await db
      .select("*")
      .from(spec.name)
      .whereIn(pk, keys.slice(i, i + 1000))) as Row[];
    for (const r of rows) out.set(String(r[pk]), rowBytesHash(spec, r));
  }
  return out;
}

async function countRows(db: Knex | Knex.Transaction, table: string): Promise<number> {
  const [row] = (await db(table).count({ n: "*" })) as { n: string | number }[];
  return Number(row!.n);
}

export interface CopyOptions {
  /** Insert (inside the caller's transaction); false = only compare (dry run). */
  write: boolean;
  /** False when the target does not have the table yet (dry run before bootstrap). */
  tableExists: boolean;
  batchSize: number;
  /** What pass one read. */
  checked: TableCheck;
  log: Progress;
}

/** Pass two: compare each batch with the target and insert the rows it lacks, reading them back. */
export async function copyTable(
  db: Knex | Knex.Transaction,
  source: VisorSource,
  table: SourceTable,
  options: CopyOptions,
): Promise<TableMigration> {
  const { spec } = table;
  const m: TableMigration = {
    table: spec.name,
    source: options.checked.rows,
    inserted: 0,
    unchanged: 0,
    conflicting: 0,
    conflictIds: [],
    targetRows: 0,
    verified: false,
  };
  const digest = createHash("sha256");
  let read = 0;
  const tick = throttled(options.log, `${spec.name}: ${options.write ? "copying" : "comparing"}`, m.source);
  for (const batch of batches<CheckedRow>(source.rows(spec), options.batchSize)) {
    const hashes = batch.map((r) => rowBytesHash(spec, r.source));
    batch.forEach((r, i) => {
      if (r.problems.length) throw changedError(spec.name);
      digest.update(`${r.key}\t${hashes[i]}\n`);
    });
    const before = options.tableExists
      ? await targetHashes(
          db,
          spec,
          batch.map((r) => r.key),
        )
      : new Map<string, string>();
    const fresh: number[] = [];
    batch.forEach((r, i) => {
      const there = before.get(r.key);
      if (there === undefined) fresh.push(i);
      else if (there === hashes[i]) m.unchanged++;
      else if (m.conflicting++ < 20) m.conflictIds.push(r.key);
    });
    m.inserted += fresh.length;
    if (options.write && fresh.length) {
      await db(spec.name).insert(fresh.map((i) => batch[i]!.values));
      // Read back before COMMIT: what the target now holds must be the source's bytes.
      const after = await targetHashes(
        db,
        spec,
        fresh.map((i) => batch[i]!.key),
      );
      const bad = fresh.filter((i) => after.get(batch[i]!.key) !== hashes[i]).map((i) => batch[i]!.key);
      if (bad.length)
        throw new OpsError(
          `${spec.name}: after copying, ${bad.length} row(s) are missing or differ from the source's bytes (${bad.slice(0, 5).join(", ")}${bad.length > 5 ? ", …" : ""}); rolled back, nothing was written`,
        );
    }
    read += batch.length;
    tick(read);
  }
  if (read !== options.checked.rows || digest.digest("hex") !== options.checked.digest) throw changedError(spec.name);
  if (m.inserted + m.unchanged + m.conflicting !== m.source)
    throw new OpsError(
      `${spec.name}: ${m.source} source row(s) but only ${m.inserted + m.unchanged + m.conflicting} accounted for`,
    );
  m.targetRows = options.tableExists || options.write ? await countRows(db, spec.name) : 0;
  m.verified = options.write || m.conflicting === 0;
  options.log(
    `${spec.name}: ${options.write ? "inserted" : "would insert"} ${m.inserted}, ${m.unchanged} already there` +
      `${m.conflicting ? `, ${m.conflicting} differ` : ""}; ${m.source} row checksum(s) compared`,
  );
  return m;
}

function changedError(table: string): OpsError {
  return new OpsError(
    `${table}: the source changed while it was being copied (stop Visor first, so its store no longer changes); rolled back, nothing was written`,
  );
}

// The guide's "Migrating from SQLite to PostgreSQL", done properly (its `COPY ... FORMAT csv` of a JSON file
// cannot work): Visor's SQLite store (or legacy JSON store) is copied into PostgreSQL or MySQL after the
// schema is bootstrapped, in one transaction. Rows already there are left alone (a re-run inserts nothing),
// and at the end every source row is compared with the target by count and per-row checksum.
import type { Knex } from "knex";
import { bootstrapSchema } from "../../components/visor/bootstrap";
import { describeEndpoint, openKnex, resolveConnection, type VisorConnection } from "../../components/visor/connection";
import { inspectSchema } from "../../components/visor/inspect";
import { SCHEDULER_LOCKS, SCHEDULES, type TableSpec } from "../../components/visor/schema-definition";
import { compareHashes, hashRows, primaryKey, type Row } from "./checksum";
import { throttled, type Progress } from "./progress";
import { readVisorStore } from "./sqlite-source";
import { OpsError } from "./errors";

export interface MigrateOptions {
  /** `.visor/schedules.db` or the legacy `.visor/schedules.json`. */
  from: string;
  connection: VisorConnection;
  /** Also copy scheduler_locks (SQLite only). Default false: Visor re-acquires its locks. */
  locks?: boolean;
  /** Read and compare, write nothing (not even the schema). */
  dryRun?: boolean;
  /** Rows per INSERT (default 500). */
  batchSize?: number;
  progress?: Progress;
}

export interface TableMigration {
  table: string;
  /** Rows in the source. */
  source: number;
  /** Rows this run inserted (with --dry-run: would insert). */
  inserted: number;
  /** Source rows already in the target, identical. */
  unchanged: number;
  /** Source rows already in the target with different values: left as they are. */
  conflicting: number;
  conflictIds: string[];
  /** Rows in the target table afterwards (with --dry-run: now). */
  targetRows: number;
  /** Every source row is in the target with the same checksum (conflicts aside). */
  verified: boolean;
}

export interface MigrateResult {
  from: string;
  kind: "sqlite" | "json";
  to: string;
  dryRun: boolean;
  /** Tables bootstrap created (with --dry-run: would create). */
  schemaCreated: string[];
  unknownFields: string[];
  tables: TableMigration[];
  /** Verified and no conflicts. */
  passed: boolean;
  durationMs: number;
}

async function existingHashes(db: Knex | Knex.Transaction, spec: TableSpec, keys: string[]): Promise<Map<string, string>> {
  const pk = primaryKey(spec);
  const found: Row[] = [];
  for (let i = 0; i < keys.length; i += 1000) {
    found.push(
      ...((await db
        .select("*")
        .from(spec.name)
        .whereIn(pk, keys.slice(i, i + 1000))) as Row[]),
    );
  }
  return hashRows(spec, found).hashes;
}

async function countRows(db: Knex | Knex.Transaction, table: string): Promise<number> {
  const [row] = (await db(table).count({ n: "*" })) as { n: string | number }[];
  return Number(row!.n);
}

async function migrateTable(
  db: Knex | Knex.Transaction,
  spec: TableSpec,
  rows: Row[],
  write: boolean,
  tableExists: boolean,
  batchSize: number,
  log: Progress,
): Promise<TableMigration> {
  const pk = primaryKey(spec);
  const source = hashRows(spec, rows);
  const keys = [...source.hashes.keys()];
  const before = tableExists ? await existingHashes(db, spec, keys) : new Map<string, string>();
  const diff = compareHashes(source.hashes, before, 20);
  const fresh = rows.filter((r) => !before.has(String(r[pk])));
  const m: TableMigration = {
    table: spec.name,
    source: rows.length,
    inserted: fresh.length,
    unchanged: before.size - diff.differentCount,
    conflicting: diff.differentCount,
    conflictIds: diff.different,
    targetRows: tableExists ? await countRows(db, spec.name) : 0,
    verified: false,
  };
  if (!write) {
    m.verified = diff.differentCount === 0;
    log(
      `${spec.name}: would insert ${m.inserted}, ${m.unchanged} already there${m.conflicting ? `, ${m.conflicting} differ` : ""}`,
    );
    return m;
  }
  const tick = throttled(log, `${spec.name}: inserting`, fresh.length);
  for (let i = 0; i < fresh.length; i += batchSize) {
    await db(spec.name).insert(fresh.slice(i, i + batchSize));
    tick(Math.min(i + batchSize, fresh.length));
  }
  // Compared before COMMIT: a mismatch rolls everything back.
  const after = await existingHashes(db, spec, keys);
  const check = compareHashes(source.hashes, after, 5);
  if (check.missingCount || check.differentCount !== diff.differentCount) {
    throw new OpsError(
      `${spec.name}: after copying, ${check.missingCount} row(s) are missing and ${check.differentCount - diff.differentCount} differ from the source (${[...check.missing, ...check.different].slice(0, 5).join(", ")}); rolled back, nothing was written`,
    );
  }
  m.targetRows = await countRows(db, spec.name);
  m.verified = true;
  log(`${spec.name}: inserted ${m.inserted}, ${m.unchanged} already there; ${rows.length} row checksum(s) match`);
  return m;
}

export async function migrateSqlite(options: MigrateOptions): Promise<MigrateResult> {
  const started = Date.now();
  const log = options.progress ?? (() => undefined);
  const r = resolveConnection(options.connection);
  if (r.driver === "mssql") throw new OpsError("migrate-sqlite targets PostgreSQL or MySQL (got a SQL Server URL)");
  const to = describeEndpoint(options.connection);
  const store = readVisorStore(options.from, { locks: options.locks });
  if (options.locks && store.kind === "json") throw new OpsError("--locks: the legacy JSON store has no scheduler_locks");
  log(
    `read ${store.schedules.length} schedule(s)${store.locks ? ` and ${store.locks.length} lock(s)` : ""} from ${store.path} (${store.kind})` +
      (store.unknownFields.length ? `; not copied (unknown): ${store.unknownFields.join(", ")}` : ""),
  );
  const dryRun = Boolean(options.dryRun);
  let schemaCreated: string[];
  if (dryRun) {
    const report = await inspectSchema(options.connection);
    schemaCreated = report.tables.filter((t) => !t.exists).map((t) => t.name);
    const errors = report.differences.filter((d) => d.severity === "error");
    if (errors.length)
      throw new OpsError(`the target's schema is not usable by Visor: ${errors.map((d) => d.detail).join("; ")}`);
  } else {
    const boot = await bootstrapSchema(options.connection);
    schemaCreated = boot.created;
    log(boot.created.length ? `bootstrapped: created ${boot.created.join(", ")}` : "schema already present");
  }
  const batchSize = options.batchSize ?? 500;
  const work: [TableSpec, Row[]][] = [[SCHEDULES, store.schedules]];
  if (store.locks) work.push([SCHEDULER_LOCKS, store.locks]);
  const db = await openKnex(options.connection, { pool: { min: 0, max: 1 } });
  let tables: TableMigration[];
  try {
    if (dryRun) {
      tables = [];
      for (const [spec, rows] of work) {
        tables.push(await migrateTable(db, spec, rows, false, !schemaCreated.includes(spec.name), batchSize, log));
      }
    } else {
      tables = await db.transaction(async (trx) => {
        const out: TableMigration[] = [];
        for (const [spec, rows] of work) out.push(await migrateTable(trx, spec, rows, true, true, batchSize, log));
        return out;
      });
    }
  } finally {
    await db.destroy();
  }
  return {
    from: store.path,
    kind: store.kind,
    to,
    dryRun,
    schemaCreated,
    unknownFields: store.unknownFields,
    tables,
    passed: tables.every((t) => t.verified && t.conflicting === 0),
    durationMs: Date.now() - started,
  };
}

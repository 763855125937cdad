// Visor's schema bootstrap: creates what is missing, adds what can be added, never alters or drops.
// Concurrent runs serialise on a schema lock; on PostgreSQL it all happens in one transaction, so a crash
// leaves nothing half-made. A starting Visor, which takes no lock, may create tables at the same moment.
import type { Knex } from "knex";
import { openKnex, resolveConnection, type VisorConnection, type VisorDriver } from "./connection";
import { isConcurrentCreate, quoteIdentifier, releaseSchemaLock, serverVersion, takeSchemaLock } from "./dialects";
import { inspectWith, type SchemaReport } from "./inspect";
import { SCHEMA_VERSION, VISOR_TABLES, VISOR_TABLE_NAMES } from "./schema-definition";
import { addToTable, defineTable } from "./table-ddl";

export interface BootstrapOptions {
  /** Grant SELECT/INSERT/UPDATE/DELETE on Visor's tables to this role, so Visor can run without CREATE. */
  grantTo?: string;
}

export interface BootstrapResult {
  /** Tables this run created. */
  created: string[];
  /** Indexes and columns this run added to existing tables. */
  added: string[];
  version: string;
  report: SchemaReport;
  /** Times another creator (a starting Visor) made an object first and bootstrap re-inspected. */
  raceRetries: number;
}

export class SchemaMismatchError extends Error {
  constructor(readonly problems: string[]) {
    super(`the existing schema is not usable by Visor (nothing was changed): ${problems.join("; ")}`);
    this.name = "SchemaMismatchError";
  }
}

/** Re-inspections after another creator made an object first: each needs a new object of theirs (Visor makes 8). */
const RACE_RETRIES = 16;
/** A table a starting Visor just created gets its indexes in the next statements: wait until they stop changing. */
const SETTLE_QUIET_MS = 250;
const SETTLE_MAX_MS = 3000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Progress {
  created: string[];
  added: string[];
}

/** The missing indexes, as one comparable string. */
const missingIndexes = (report: SchemaReport) =>
  report.differences
    .filter((d) => d.kind === "missing-index")
    .map((d) => `${d.table}.${d.index}`)
    .join(",");

/**
 * A table a starting Visor has just created gets its indexes in the statements that follow: re-inspect
 * until the missing indexes stop changing for SETTLE_QUIET_MS, so we never add a twin of Visor's index.
 * No reads of the tables themselves: on MySQL they would hold a metadata lock Visor's ALTER waits for.
 */
async function settledReport(trx: Knex.Transaction, driver: VisorDriver, version: string): Promise<SchemaReport> {
  const started = Date.now();
  let report = await inspectWith(trx, driver, version);
  let pending = missingIndexes(report);
  let quietSince = Date.now();
  while (pending && Date.now() - quietSince < SETTLE_QUIET_MS && Date.now() - started < SETTLE_MAX_MS) {
    await sleep(25);
    report = await inspectWith(trx, driver, version);
    const now = missingIndexes(report);
    if (now !== pending) quietSince = Date.now();
    pending = now;
  }
  return report;
}

async function bootstrapIn(
  trx: Knex.Transaction,
  driver: VisorDriver,
  version: string,
  options: BootstrapOptions,
  progress: Progress,
): Promise<SchemaReport> {
  await takeSchemaLock(trx, driver);
  try {
    const before = await settledReport(trx, driver, version);
    const errors = before.differences.filter((d) => d.severity === "error");
    if (errors.length) throw new SchemaMismatchError(errors.map((d) => d.detail));
    for (const spec of VISOR_TABLES) {
      const diffs = before.differences.filter((d) => d.table === spec.name);
      if (diffs.some((d) => d.kind === "missing-table")) {
        await trx.schema.createTable(spec.name, defineTable(spec));
        progress.created.push(spec.name);
        continue;
      }
      const isMissing = (kind: string, name: string) => diffs.some((d) => d.kind === kind && (d.column ?? d.index) === name);
      const columns = spec.columns.filter((c) => isMissing("missing-column", c.name) || isMissing("optional-column", c.name));
      // Only indexes no existing index covers, whatever its name (inspect matches by columns).
      const indexes = spec.indexes.filter((i) => isMissing("missing-index", i.name));
      if (columns.length || indexes.length) {
        await trx.schema.alterTable(spec.name, addToTable(columns, indexes));
        progress.added.push(...columns.map((c) => `${spec.name}.${c.name}`), ...indexes.map((i) => i.name));
      }
    }
    if (options.grantTo) {
      const role = quoteIdentifier(driver, options.grantTo, "grantTo");
      const grantee = driver === "mysql" ? `${role.replace(/`/g, "'")}@'%'` : role;
      for (const table of VISOR_TABLE_NAMES) await trx.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${grantee}`);
    }
    return await inspectWith(trx, driver, version);
  } finally {
    await releaseSchemaLock(trx, driver);
  }
}

/**
 * Bootstrap on an open knex. A starting Visor creates its tables without any lock of ours: when it makes
 * an object between our inspect and our create, we re-inspect and continue (at most RACE_RETRIES times).
 */
export async function bootstrapWith(db: Knex, driver: VisorDriver, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  const version = await serverVersion(db, driver);
  // MySQL commits each DDL statement at once: what an interrupted attempt made stays made.
  const progress: Progress = { created: [], added: [] };
  for (let attempt = 1; ; attempt++) {
    const mark = { created: progress.created.length, added: progress.added.length };
    try {
      const report = await db.transaction((trx) => bootstrapIn(trx, driver, version, options, progress));
      return { ...progress, report, version: SCHEMA_VERSION, raceRetries: attempt - 1 };
    } catch (err) {
      if (driver !== "mysql") {
        // Rolled back: nothing this attempt made exists.
        progress.created.length = mark.created;
        progress.added.length = mark.added;
      }
      if (!isConcurrentCreate(driver, err) || attempt >= RACE_RETRIES) throw err;
      await sleep(10 + Math.floor(Math.random() * 40 * attempt));
    }
  }
}

/** Creates Visor's tables (idempotent, additive, safe to run concurrently, and next to a starting Visor). */
export async function bootstrapSchema(conn: VisorConnection, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  const { driver } = resolveConnection(conn);
  const db = await openKnex(conn, { pool: { min: 0, max: 1 } });
  try {
    return await bootstrapWith(db, driver, options);
  } finally {
    await db.destroy();
  }
}

/**
 * Drops Visor's three tables and nothing else. Only `VisorSchema` with `retainOnDelete: false` calls
 * this; nothing in the package does by default.
 */
export async function dropVisorTables(conn: VisorConnection): Promise<string[]> {
  const db = await openKnex(conn, { pool: { min: 0, max: 1 } });
  const dropped: string[] = [];
  try {
    for (const name of [...VISOR_TABLE_NAMES].reverse()) {
      if (await db.schema.hasTable(name)) {
        await db.schema.dropTable(name);
        dropped.push(name);
      }
    }
    return dropped;
  } finally {
    await db.destroy();
  }
}

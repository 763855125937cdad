// Visor's schema bootstrap: creates what is missing, adds what can be added, never alters or drops.
// Concurrent runs serialise on a schema lock; on PostgreSQL it all happens in one transaction, so a crash
// leaves nothing half-made.
import type { Knex } from "knex";
import { openKnex, resolveConnection, type VisorConnection, type VisorDriver } from "./connection";
import { quoteIdentifier, releaseSchemaLock, serverVersion, takeSchemaLock } from "./dialects";
import { inspectWith, type SchemaReport } from "./inspect";
import { SCHEMA_VERSION, VISOR_TABLES, VISOR_TABLE_NAMES, type ColumnSpec, type TableSpec } from "./schema-definition";

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
}

export class SchemaMismatchError extends Error {
  constructor(readonly problems: string[]) {
    super(`the existing schema is not usable by Visor (nothing was changed): ${problems.join("; ")}`);
    this.name = "SchemaMismatchError";
  }
}

function addColumn(t: Knex.CreateTableBuilder, c: ColumnSpec): void {
  let b: Knex.ColumnBuilder;
  switch (c.type) {
    case "varchar":
      b = t.string(c.name, c.length);
      break;
    case "text":
      b = t.text(c.name);
      break;
    case "bigint":
      b = t.bigInteger(c.name);
      break;
    case "integer":
      b = t.integer(c.name);
      break;
    case "boolean":
      b = t.boolean(c.name);
      break;
  }
  if (c.primary) b.primary();
  if (!c.nullable) b.notNullable();
  if (c.default !== undefined) b.defaultTo(c.default);
}

function defineTable(spec: TableSpec) {
  return (t: Knex.CreateTableBuilder) => {
    for (const c of spec.columns) addColumn(t, c);
    for (const i of spec.indexes) t.index(i.columns, i.name);
  };
}

async function bootstrapIn(
  trx: Knex.Transaction,
  driver: VisorDriver,
  version: string,
  options: BootstrapOptions,
): Promise<Omit<BootstrapResult, "version">> {
  await takeSchemaLock(trx, driver);
  try {
    const created: string[] = [];
    const added: string[] = [];
    const before = await inspectWith(trx, driver, version);
    const errors = before.differences.filter((d) => d.severity === "error");
    if (errors.length) throw new SchemaMismatchError(errors.map((d) => d.detail));
    for (const spec of VISOR_TABLES) {
      const diffs = before.differences.filter((d) => d.table === spec.name);
      if (diffs.some((d) => d.kind === "missing-table")) {
        await trx.schema.createTable(spec.name, defineTable(spec));
        created.push(spec.name);
        continue;
      }
      const missingColumns = spec.columns.filter((c) => diffs.some((d) => d.kind === "missing-column" && d.column === c.name));
      const missingIndexes = spec.indexes.filter((i) => diffs.some((d) => d.kind === "missing-index" && d.index === i.name));
      if (missingColumns.length || missingIndexes.length) {
        await trx.schema.alterTable(spec.name, (t) => {
          for (const c of missingColumns) addColumn(t, c);
          for (const i of missingIndexes) t.index(i.columns, i.name);
        });
        added.push(...missingColumns.map((c) => `${spec.name}.${c.name}`), ...missingIndexes.map((i) => i.name));
      }
    }
    if (options.grantTo) {
      const role = quoteIdentifier(driver, options.grantTo, "grantTo");
      const grantee = driver === "mysql" ? `${role.replace(/`/g, "'")}@'%'` : role;
      for (const table of VISOR_TABLE_NAMES) await trx.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${grantee}`);
    }
    const report = await inspectWith(trx, driver, version);
    return { created, added, report };
  } finally {
    await releaseSchemaLock(trx, driver);
  }
}

/** Creates Visor's tables (idempotent, additive, safe to run concurrently). */
export async function bootstrapSchema(conn: VisorConnection, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  const { driver } = resolveConnection(conn);
  const db = await openKnex(conn, { pool: { min: 0, max: 1 } });
  try {
    const version = await serverVersion(db, driver);
    const result = await db.transaction((trx) => bootstrapIn(trx, driver, version, options));
    return { ...result, version: SCHEMA_VERSION };
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

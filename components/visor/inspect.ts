// What is really in the database, compared with what Visor needs. Indexes match by their columns, so a
// database Visor bootstrapped itself (knex index names) is as valid as one we made (the guide's names);
// the guide-only columns of `schedules` are information, never a failure (Visor's SQL store never uses them).
import type { Knex } from "knex";
import { openKnex, resolveConnection, type VisorConnection, type VisorDriver } from "./connection";
import { introspect, serverVersion, type IndexInfo, type TableInfo } from "./dialects";
import { OPTIONAL_COLUMN_NOTE } from "./remedies";
import { VISOR_TABLES, type TableSpec } from "./schema-definition";

export type DifferenceKind =
  | "missing-table"
  | "missing-column"
  | "wrong-type"
  | "wrong-length"
  | "wrong-nullability"
  | "missing-index"
  | "missing-primary-key"
  /** A guide-only column is absent: information only. */
  | "optional-column"
  /** A column Visor does not know; an error only when it is NOT NULL without a default (Visor's INSERT fails). */
  | "extra-column";

export interface SchemaDifference {
  table: string;
  column?: string;
  /** For missing-index: the guide's index name. */
  index?: string;
  kind: DifferenceKind;
  /**
   * `error`: Visor would fail or misbehave; `additive`: bootstrap can add it without touching data;
   * `info`: Visor's SQL store works without it.
   */
  severity: "error" | "additive" | "info";
  detail: string;
}

export interface TableReport {
  name: string;
  exists: boolean;
  columns: TableInfo["columns"];
  indexes: TableInfo["indexes"];
}

export interface SchemaReport {
  driver: VisorDriver;
  serverVersion: string;
  tables: TableReport[];
  differences: SchemaDifference[];
  /**
   * Every table present with every column Visor's SQL store uses, of the right type; missing indexes and
   * absent guide-only columns do not make it invalid.
   */
  valid: boolean;
  /** Present tables and nothing bootstrap would add (a nullable column Visor ignores is allowed). */
  complete: boolean;
}

export function compareTable(spec: TableSpec, info: TableInfo | undefined): SchemaDifference[] {
  if (!info)
    return [{ table: spec.name, kind: "missing-table", severity: "additive", detail: `table ${spec.name} does not exist` }];
  const diffs: SchemaDifference[] = [];
  for (const col of spec.columns) {
    const actual = info.columns.find((c) => c.name === col.name);
    const where = `${spec.name}.${col.name}`;
    if (col.guideOnly) {
      if (!actual)
        diffs.push({
          table: spec.name,
          column: col.name,
          kind: "optional-column",
          severity: "info",
          detail: `column ${where} (${col.type}) is absent: ${OPTIONAL_COLUMN_NOTE}`,
        });
      continue;
    }
    if (!actual) {
      // A NOT NULL column without a default cannot be added to a table that has rows.
      const additive = col.nullable || col.default !== undefined;
      diffs.push({
        table: spec.name,
        column: col.name,
        kind: "missing-column",
        severity: additive ? "additive" : "error",
        detail: `column ${where} (${col.type}) is missing`,
      });
      continue;
    }
    if (actual.type !== col.type) {
      diffs.push({
        table: spec.name,
        column: col.name,
        kind: "wrong-type",
        severity: "error",
        detail: `column ${where} is ${actual.rawType}, Visor needs ${col.type}`,
      });
    } else if (col.length !== undefined && actual.length !== undefined && actual.length < col.length) {
      diffs.push({
        table: spec.name,
        column: col.name,
        kind: "wrong-length",
        severity: "error",
        detail: `column ${where} holds ${actual.length} characters, Visor needs ${col.length}`,
      });
    }
    if (!col.nullable && actual.nullable && !col.primary) {
      diffs.push({
        table: spec.name,
        column: col.name,
        kind: "wrong-nullability",
        severity: "error",
        detail: `column ${where} is nullable, Visor expects NOT NULL`,
      });
    }
  }
  for (const extra of info.columns.filter((c) => !spec.columns.some((s) => s.name === c.name))) {
    const blocksInsert = !extra.nullable && extra.default === undefined;
    diffs.push({
      table: spec.name,
      column: extra.name,
      kind: "extra-column",
      severity: blocksInsert ? "error" : "info",
      detail: blocksInsert
        ? `column ${spec.name}.${extra.name} is not Visor's and is NOT NULL without a default: Visor's INSERT into ${spec.name} fails`
        : `column ${spec.name}.${extra.name} is not Visor's (nullable or with a default: Visor ignores it)`,
    });
  }
  const primary = spec.columns.filter((c) => c.primary).map((c) => c.name);
  if (primary.length && !info.indexes.some((i) => i.primary && sameColumns(i.columns, primary))) {
    diffs.push({
      table: spec.name,
      kind: "missing-primary-key",
      severity: "error",
      detail: `table ${spec.name} has no primary key on (${primary.join(", ")}): lock exclusivity depends on it`,
    });
  }
  for (const idx of spec.indexes) {
    if (!coveringIndex(info.indexes, idx.columns)) {
      diffs.push({
        table: spec.name,
        index: idx.name,
        kind: "missing-index",
        severity: "additive",
        detail: `index on ${spec.name}(${idx.columns.join(", ")}) is missing (${idx.name})`,
      });
    }
  }
  return diffs;
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** The index on exactly these columns, in this order, whatever its name (the guide's, knex's or a DBA's). */
export function coveringIndex(indexes: readonly IndexInfo[], columns: readonly string[]): IndexInfo | undefined {
  return indexes.find((i) => sameColumns(i.columns, [...columns]));
}

/** Visor's only requirement is its own columns; anything of severity `info` leaves the schema valid. */
export function isValidFor(differences: readonly SchemaDifference[]): boolean {
  return differences.every((d) => d.kind === "missing-index" || d.severity === "info");
}

/** Builds the report from an open knex (inside a transaction during bootstrap). */
export async function inspectWith(db: Knex | Knex.Transaction, driver: VisorDriver, version: string): Promise<SchemaReport> {
  const catalog = await introspect(
    db,
    driver,
    VISOR_TABLES.map((t) => t.name),
  );
  const tables = VISOR_TABLES.map((spec) => {
    const info = catalog.get(spec.name);
    return { name: spec.name, exists: Boolean(info), columns: info?.columns ?? [], indexes: info?.indexes ?? [] };
  });
  const differences = VISOR_TABLES.flatMap((spec) => compareTable(spec, catalog.get(spec.name)));
  return {
    driver,
    serverVersion: version,
    tables,
    differences,
    valid: tables.every((t) => t.exists) && isValidFor(differences),
    // A column Visor ignores is drift to report, not something bootstrap should (or could) change.
    complete: tables.every((t) => t.exists) && differences.every((d) => d.kind === "extra-column" && d.severity === "info"),
  };
}

export async function inspectSchema(conn: VisorConnection): Promise<SchemaReport> {
  const { driver } = resolveConnection(conn);
  const db = await openKnex(conn, { pool: { min: 0, max: 1 } });
  try {
    return await inspectWith(db, driver, await serverVersion(db, driver));
  } finally {
    await db.destroy();
  }
}

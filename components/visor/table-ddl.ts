// Visor's tables as knex schema builders: the one definition of our DDL, used by bootstrap on every
// dialect (and compiled to SQL Server DDL by the tests, where no server runs).
import type { Knex } from "knex";
import type { ColumnSpec, IndexSpec, TableSpec } from "./schema-definition";

export function addColumn(t: Knex.CreateTableBuilder, c: ColumnSpec): void {
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

/** The whole table with the guide's index names (a new table: nothing can cover its indexes yet). */
export function defineTable(spec: TableSpec): (t: Knex.CreateTableBuilder) => void {
  return (t) => {
    for (const c of spec.columns) addColumn(t, c);
    for (const i of spec.indexes) t.index(i.columns, i.name);
  };
}

/** What an existing table lacks: nullable (or defaulted) columns and indexes, nothing else. */
export function addToTable(columns: readonly ColumnSpec[], indexes: readonly IndexSpec[]): (t: Knex.CreateTableBuilder) => void {
  return (t) => {
    for (const c of columns) addColumn(t, c);
    for (const i of indexes) t.index(i.columns, i.name);
  };
}

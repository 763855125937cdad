// What `visor-db inspect --json` prints, built from a schema report: each of Visor's tables with its
// columns and indexes against Visor's definition, drift, failing writes and remedies. The CLI, the runner
// and the VisorSchema provider (through the runner) all read this one shape.
import { coveringIndex, type SchemaDifference, type SchemaReport } from "./inspect";
import { SCHEMA_REMEDIES } from "./remedies";
import { VISOR_TABLES, type ColumnSpec, type TableSpec } from "./schema-definition";
import { failingWrites } from "./visor-writes";

export type ColumnStatus = "ok" | "missing" | "optional-absent" | "differs";

interface ColumnLine {
  name: string;
  visor: string;
  actual?: string;
  status: ColumnStatus;
  guideOnly: boolean;
}

interface IndexLine {
  columns: string[];
  /** The index that serves these columns, whatever its name. */
  presentAs?: string;
  guideName: string;
}

function describeSpec(c: ColumnSpec): string {
  const type = c.type === "varchar" ? `varchar(${c.length})` : c.type;
  return `${type}${c.nullable ? "" : " NOT NULL"}${c.default !== undefined ? ` DEFAULT ${JSON.stringify(c.default)}` : ""}${c.primary ? " PRIMARY KEY" : ""}`;
}

function tableView(spec: TableSpec, report: SchemaReport) {
  const table = report.tables.find((t) => t.name === spec.name)!;
  const diffs = report.differences.filter((d) => d.table === spec.name);
  const columns: ColumnLine[] = spec.columns.map((c) => {
    const actual = table.columns.find((a) => a.name === c.name);
    const differs = diffs.some((d) => d.column === c.name && d.kind !== "optional-column");
    return {
      name: c.name,
      visor: describeSpec(c),
      actual: actual
        ? `${actual.rawType}${actual.length !== undefined ? `(${actual.length})` : ""}${actual.nullable ? "" : " NOT NULL"}`
        : undefined,
      status: !actual ? (c.guideOnly ? "optional-absent" : "missing") : differs ? "differs" : "ok",
      guideOnly: Boolean(c.guideOnly),
    };
  });
  const indexes: IndexLine[] = spec.indexes.map((i) => ({
    columns: i.columns,
    presentAs: coveringIndex(table.indexes, i.columns)?.name,
    guideName: i.name,
  }));
  return {
    name: spec.name,
    exists: table.exists,
    columns,
    indexes,
    otherIndexes: table.indexes.filter((i) => !i.primary).map((i) => `${i.name}(${i.columns.join(", ")})`),
    drift: diffs.filter((d) => d.kind !== "missing-table").map((d) => d.detail),
  };
}

function remedyFor(differences: SchemaDifference[]): string[] {
  const out: string[] = [];
  if (differences.some((d) => d.severity === "error")) out.push(SCHEMA_REMEDIES.error);
  if (differences.some((d) => d.severity === "additive" || d.kind === "optional-column")) out.push(SCHEMA_REMEDIES.additive);
  return out;
}

export function inspectView(report: SchemaReport, endpoint: string) {
  return {
    endpoint,
    driver: report.driver,
    serverVersion: report.serverVersion,
    usableByVisor: report.valid,
    complete: report.complete,
    tables: VISOR_TABLES.map((spec) => tableView(spec, report)),
    optionalColumnsAbsent: report.differences.filter((d) => d.kind === "optional-column").map((d) => `${d.table}.${d.column}`),
    failingWrites: failingWrites(report).map((f) => ({
      write: f.write.name,
      statement: `${f.write.statement} ${f.write.table}`,
      reasons: f.reasons,
    })),
    differences: report.differences,
    remedies: remedyFor(report.differences),
  };
}

export type InspectView = ReturnType<typeof inspectView>;

/** The VisorSchema outputs a view carries: tables present, `table.index(columns)` present, drift. */
export function schemaSummary(view: InspectView) {
  return {
    driver: view.driver,
    serverVersion: view.serverVersion,
    tables: view.tables.filter((t) => t.exists).map((t) => t.name),
    // otherIndexes reads `name(a, b)`; the provider's outputs have always read `table.name(a,b)`.
    indexes: view.tables.flatMap((t) => t.otherIndexes.map((i) => `${t.name}.${i.replace(/, /g, ",")}`)).sort(),
    drift: view.differences.map((d) => d.detail),
  };
}

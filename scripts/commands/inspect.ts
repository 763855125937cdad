// `visor-db inspect`: what is really in the database next to what Visor's SQL store needs: each table,
// each column against Visor's definition, indexes by their columns (any name), the guide-only columns,
// drift, and which of Visor's writes would fail. Read-only; exit 0 when Visor can use the schema.
import { describeEndpoint } from "../../components/visor/connection";
import { coveringIndex, inspectSchema, type SchemaDifference, type SchemaReport } from "../../components/visor/inspect";
import { SCHEMA_REMEDIES } from "../../components/visor/remedies";
import { VISOR_TABLES, type ColumnSpec, type TableSpec } from "../../components/visor/schema-definition";
import { failingWrites } from "../../components/visor/visor-writes";
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { parseFlags } from "../cli/usage";

export const INSPECT_FLAGS = {
  ...CONNECTION_FLAGS,
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

export const INSPECT_HELP = `visor-db inspect --url <url> [--json]

Compares the database with what Visor's SQL store needs, changing nothing: each of Visor's tables, each
column against Visor's definition, indexes matched by their columns (whatever their names: Visor's own
store names them knex's way), the guide-only columns (schedules.claimed_by, claimed_at, lock_token: Visor
never uses them), drift, and which of Visor's writes would fail. Exit 0 when Visor can use the schema.
  --url        connection URL (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode   disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --json       machine-readable report`;

type ColumnStatus = "ok" | "missing" | "optional-absent" | "differs";

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

const MARK: Record<ColumnStatus, string> = { ok: "✔", missing: "✖", "optional-absent": "·", differs: "✖" };

export function formatInspect(view: ReturnType<typeof inspectView>): string[] {
  const lines = [`Visor's schema on ${view.endpoint} (${view.driver} ${view.serverVersion})`];
  for (const t of view.tables) {
    lines.push("", `${t.exists ? "✔" : "✖"} table ${t.name}${t.exists ? "" : ": missing"}`);
    if (!t.exists) continue;
    for (const c of t.columns) {
      const note =
        c.status === "optional-absent"
          ? "absent (guide-only: not used by Visor's SQL store)"
          : c.status === "missing"
            ? `missing (Visor: ${c.visor})`
            : c.status === "differs"
              ? `${c.actual} (Visor: ${c.visor})`
              : `${c.actual}${c.guideOnly ? " (guide-only)" : ""}`;
      lines.push(`  ${MARK[c.status]} ${c.name}: ${note}`);
    }
    for (const i of t.indexes)
      lines.push(
        `  ${i.presentAs ? "✔" : "✖"} index (${i.columns.join(", ")}): ${i.presentAs ?? `missing (guide: ${i.guideName})`}`,
      );
    lines.push(`  indexes present: ${t.otherIndexes.join(", ") || "none"}`);
  }
  lines.push("", view.optionalColumnsAbsent.length ? `guide-only columns absent: ${view.optionalColumnsAbsent.join(", ")}` : "");
  const drift = view.tables.flatMap((t) => t.drift);
  lines.push(drift.length ? `drift:\n${drift.map((d) => `  - ${d}`).join("\n")}` : "drift: none");
  lines.push(
    view.failingWrites.length
      ? `Visor's writes that would fail:\n${view.failingWrites.map((f) => `  ✖ ${f.write} (${f.statement}): ${f.reasons.join("; ")}`).join("\n")}`
      : "Visor's writes that would fail: none",
  );
  for (const r of view.remedies) lines.push(`remedy: ${r}`);
  lines.push(view.usableByVisor ? "USABLE by Visor" : "NOT USABLE by Visor");
  return lines.filter((l, n) => l !== "" || lines[n - 1] !== "");
}

export async function inspectCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("inspect", argv, INSPECT_FLAGS);
  if (values.help) {
    console.log(INSPECT_HELP);
    return 0;
  }
  const connection = connectionFrom("inspect", values);
  const view = inspectView(await inspectSchema(connection), describeEndpoint(connection));
  if (values.json) console.log(JSON.stringify(view, null, 2));
  else for (const line of formatInspect(view)) console.log(line);
  return view.usableByVisor ? 0 : 1;
}

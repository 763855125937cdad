// `visor-db inspect`: what is really in the database next to what Visor's SQL store needs: each table,
// each column against Visor's definition, indexes by their columns (any name), the guide-only columns,
// drift, and which of Visor's writes would fail. Read-only; exit 0 when Visor can use the schema.
import { inspectView, type ColumnStatus, type InspectView } from "../../components/visor/inspect-view";
import { CONNECTION_FLAGS, connectionFrom } from "../cli/connection-flags";
import { RUNNER_FLAGS, RUNNER_HELP, perform } from "../cli/runner-flags";
import { parseFlags } from "../cli/usage";

export const INSPECT_FLAGS = {
  ...CONNECTION_FLAGS,
  ...RUNNER_FLAGS,
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

export const INSPECT_HELP = `visor-db inspect --url <url> [--json] [--via-lambda <name>]

Compares the database with what Visor's SQL store needs, changing nothing: each of Visor's tables, each
column against Visor's definition, indexes matched by their columns (whatever their names: Visor's own
store names them knex's way), the guide-only columns (schedules.claimed_by, claimed_at, lock_token: Visor
never uses them), drift, and which of Visor's writes would fail. Exit 0 when Visor can use the schema.
  --url        connection URL (or PGHOST/PGUSER/PGPASSWORD/PGDATABASE)
  --ssl-mode   disable | require | verify-ca | verify-full     --ssl-ca  CA bundle file
  --json       machine-readable report
${RUNNER_HELP}`;

const MARK: Record<ColumnStatus, string> = { ok: "✔", missing: "✖", "optional-absent": "·", differs: "✖" };

export { inspectView };

export function formatInspect(view: InspectView): string[] {
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
  const view = await perform("inspect", values, { action: "inspect", connection });
  if (values.json) console.log(JSON.stringify(view, null, 2));
  else for (const line of formatInspect(view)) console.log(line);
  return view.usableByVisor ? 0 : 1;
}

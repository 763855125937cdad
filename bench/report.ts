// Turns measured cells into the stdout table and the JSON file. Ratios are computed here, from floor
// cells of the same target and node count, so a lock row is only ever compared with its own floor.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Summary } from "./stats";
import type { SmokeTiming } from "./smoke";

export type Target = "direct" | "pgbouncer" | "pgbouncer-reset-off";

const TITLES: Record<Target, string> = {
  direct: "direct to PostgreSQL",
  pgbouncer: "through PgBouncer (transaction mode, local environment: server_reset_query_always = 1)",
  "pgbouncer-reset-off": "through PgBouncer (transaction mode, component default: server_reset_query_always = 0)",
};
export type Workload = "floor" | "clock=node" | "clock=database";

export interface OpResult {
  op: string;
  summary: Summary;
  opsPerSec: number;
  /** p50 ÷ the same target's and node count's floor p50s (lock ops only). */
  p50OverUpsert?: number;
  p50OverSelect1?: number;
}

export interface CellResult {
  target: Target;
  nodes: number;
  workload: Workload;
  elapsedMs: number;
  ops: OpResult[];
  /** Lock cells: grants, refusals and correctness counters. */
  counters?: Record<string, number>;
}

export interface BenchResults {
  meta: Record<string, unknown>;
  cells: CellResult[];
  smoke: SmokeTiming[];
  totalWallMs: number;
}

/** Fills p50 ratios of lock ops against the floor cells of the same target and node count. */
export function addFloorRatios(cells: CellResult[]): void {
  for (const cell of cells) {
    if (cell.workload === "floor") continue;
    const floorP50 = (op: string) =>
      cells
        .find((c) => c.workload === "floor" && c.target === cell.target && c.nodes === cell.nodes)
        ?.ops.find((o) => o.op === op)?.summary.p50;
    const upsert = floorP50("upsert");
    const select1 = floorP50("select1");
    for (const o of cell.ops) {
      if (upsert) o.p50OverUpsert = o.summary.p50 / upsert;
      if (select1) o.p50OverSelect1 = o.summary.p50 / select1;
    }
  }
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 3 : 1) : "-");
const ratio = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "" : `${v.toFixed(1)}×`);
const rate = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "-");

function table(headers: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function notes(cell: CellResult, op: string): string {
  const c = cell.counters;
  if (!c || op !== "acquire") return "";
  const attempts = c.acquiresWon! + c.acquiresLost!;
  const parts = [`won ${attempts ? Math.round((100 * c.acquiresWon!) / attempts) : 0}%`];
  for (const k of ["doubleGrants", "failedRenews", "failedReleases"]) if (c[k]) parts.push(`${k} ${c[k]}!`);
  return parts.join(", ");
}

export function renderTable(results: BenchResults): string {
  const out: string[] = [];
  const headers = ["nodes", "workload", "op", "samples", "p50 ms", "p99 ms", "ops/s", "p50/upsert", "p50/SELECT 1", "notes"];
  const right = [true, false, false, true, true, true, true, true, true, false];
  for (const target of Object.keys(TITLES) as Target[]) {
    const cells = results.cells.filter((c) => c.target === target);
    if (!cells.length) continue;
    const rows: string[][] = [];
    for (const cell of cells) {
      for (const o of cell.ops) {
        rows.push([
          String(cell.nodes),
          cell.workload,
          o.op,
          String(o.summary.count),
          ms(o.summary.p50),
          ms(o.summary.p99),
          rate(o.opsPerSec),
          ratio(o.p50OverUpsert),
          ratio(o.p50OverSelect1),
          notes(cell, o.op),
        ]);
      }
    }
    out.push(`\n== ${TITLES[target]} ==\n`);
    out.push(table(headers, rows, right));
  }
  if (results.smoke.length) {
    out.push("\n== HA smoke test wall time (runSmokeTest, default options) ==\n");
    const rows = results.smoke.map((s) => [
      s.via,
      String(s.runsMs.length),
      ms(s.summary.p50),
      ms(s.summary.min),
      ms(s.summary.max),
      s.allPassed
        ? "all passed"
        : `FAILED: ${s.failedChecks.map((c) => `${c} (${s.failures.filter((f) => f.check === c).length}/${s.runsMs.length} runs)`).join(", ")}`,
    ]);
    out.push(table(["via", "runs", "median ms", "min ms", "max ms", "checks"], rows, [false, true, true, true, true, false]));
    for (const f of results.smoke.flatMap((s) => s.failures.map((x) => ({ ...x, via: s.via })))) {
      out.push(`  ${f.via} run ${f.run}: ${f.check}: ${f.detail}`);
    }
  }
  out.push(`\ntotal wall time ${(results.totalWallMs / 1000).toFixed(1)} s`);
  return out.join("\n");
}

/** Writes bench/results/<timestamp>.json (gitignored) and returns its path. */
export function writeJson(results: BenchResults, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

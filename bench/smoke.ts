// Wall time of the HA smoke test as an operator runs it (`visor-db smoke`): default options, so each
// lock scenario includes its fixed 300 ms expiry wait. Median of N runs, direct and with the pooler.
import { performance } from "node:perf_hooks";
import type { VisorConnection } from "../components/visor/connection";
import { runSmokeTest } from "../components/visor/smoke-test";
import { summarize, type Summary } from "./stats";

export interface SmokeTiming {
  via: "direct" | "direct+pooler";
  runsMs: number[];
  summary: Summary;
  /** Every run must pass, or the timing is of a failure path. */
  allPassed: boolean;
  failedChecks: string[];
  /** Which run failed which check, and why (the check's own detail). */
  failures: { run: number; check: string; detail: string }[];
}

export async function timeSmokeTest(
  connection: VisorConnection,
  poolerConnection: VisorConnection | undefined,
  runs: number,
): Promise<SmokeTiming> {
  const runsMs: number[] = [];
  const failures: SmokeTiming["failures"] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const report = await runSmokeTest({ connection, poolerConnection });
    runsMs.push(performance.now() - t0);
    for (const c of report.checks) if (!c.passed) failures.push({ run: i + 1, check: c.name, detail: c.detail });
  }
  return {
    via: poolerConnection ? "direct+pooler" : "direct",
    runsMs,
    summary: summarize(runsMs),
    allPassed: failures.length === 0,
    failedChecks: [...new Set(failures.map((f) => f.check))],
    failures,
  };
}

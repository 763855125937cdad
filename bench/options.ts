// Command-line options: a full run (the README's numbers) or a quick sanity run.
import type { Phase } from "./load";

export interface BenchOptions {
  quick: boolean;
  json: boolean;
  help: boolean;
  selfCheck: boolean;
  /** Also measure a PgBouncer with the shipped default server_reset_query_always = 0. */
  poolerDefaults: boolean;
  /** Contending nodes per cell; each node is its own connection. */
  nodeCounts: number[];
  /** The hot lock ids every node picks from at random: few ids, so nodes really contend. */
  lockIdCount: number;
  phase: Phase;
  smokeRuns: number;
}

export const HELP = `Usage: tsx bench/run.ts [--quick] [--json] [--pooler-defaults] [--self-check] [--help]
       (npm run bench -- [options])

Starts a throwaway local PostgreSQL 15 + PgBouncer (transaction mode) on 127.0.0.1, bootstraps
Visor's schema, and measures SchedulerLocks acquire / renew / release latency (p50, p99) and
throughput with 1, 8 and 32 contending nodes, for clock "node" (Visor's protocol) and clock
"database" (the atomic variant), direct and through PgBouncer, each beside the floor (SELECT 1 and a
single-row INSERT … ON CONFLICT DO UPDATE) measured in the same run. Then times the HA smoke test.

  --quick       short cells and one smoke run per target (a sanity run, ~20 s; numbers are noisy)
  --json        also write every number to bench/results/<timestamp>.json
  --pooler-defaults
                also measure a second PgBouncer with the component's default
                server_reset_query_always = 0 (the local environment's has 1); adds ~40 s
  --self-check  check the percentile code on hand-computed cases and exit (no servers started)
  --help        this text
`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const known = new Set(["--quick", "--json", "--help", "-h", "--self-check", "--pooler-defaults"]);
  const unknown = argv.filter((a) => !known.has(a));
  if (unknown.length) throw new Error(`unknown option(s): ${unknown.join(" ")}\n\n${HELP}`);
  const quick = argv.includes("--quick");
  return {
    quick,
    json: argv.includes("--json"),
    help: argv.includes("--help") || argv.includes("-h"),
    selfCheck: argv.includes("--self-check"),
    poolerDefaults: argv.includes("--pooler-defaults"),
    nodeCounts: [1, 8, 32],
    lockIdCount: 4,
    // Full: 24 cells × ~2.8 s plus the smoke runs keeps the whole run under ~2 minutes on 2 cores.
    phase: quick
      ? { warmupMs: 100, durationMs: 400, maxIterationsPerWorker: 1_000_000 }
      : { warmupMs: 300, durationMs: 2_500, maxIterationsPerWorker: 1_000_000 },
    smokeRuns: quick ? 1 : 5,
  };
}

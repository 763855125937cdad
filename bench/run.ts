// `npm run bench`: starts a throwaway PostgreSQL 15 + PgBouncer on 127.0.0.1, measures the lock
// protocol beside its floor on both targets, times the smoke test, prints a table and (--json) saves
// the numbers. Everything it starts is stopped in `finally`, also on Ctrl-C.
import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { bootstrapSchema } from "../components/visor/bootstrap";
import { openKnex, type VisorConnection } from "../components/visor/connection";
import { startLocalEnvironment, type LocalEnvironment } from "../scripts/local-env/environment";
import { findPgBouncer } from "../scripts/local-env/pgbouncer";
import { startDefaultPooler, type DefaultPooler } from "./default-pooler";
import { createScratchTable, dropScratchTable, runFloor, SCRATCH_TABLE, type FloorOp } from "./floor";
import type { LoadResult } from "./load";
import { runLockCell, type Clock } from "./lock-bench";
import { HELP, parseOptions, type BenchOptions } from "./options";
import { addFloorRatios, renderTable, writeJson, type BenchResults, type CellResult, type Target } from "./report";
import { timeSmokeTest } from "./smoke";
import { selfCheck, summarize } from "./stats";

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const LOCK_PREFIX = "__visor_db_bench__";

function opResults(r: LoadResult, ops: readonly string[]) {
  const seconds = r.elapsedMs / 1000;
  return ops.map((op) => {
    const samples = r.recorder.samples.get(op) ?? [];
    return { op, summary: summarize(samples), opsPerSec: samples.length / seconds };
  });
}

/** Each cell starts from the same state: no bench rows, dead tuples of earlier cells vacuumed away. */
async function resetTables(admin: Knex): Promise<void> {
  await admin("scheduler_locks").where("lock_id", "like", `${LOCK_PREFIX}:%`).delete();
  await admin.raw(`TRUNCATE ${SCRATCH_TABLE}`);
  await admin.raw(`VACUUM scheduler_locks, ${SCRATCH_TABLE}`);
}

async function measure(admin: Knex, targets: [Target, VisorConnection][], o: BenchOptions, runId: string): Promise<CellResult[]> {
  const cells: CellResult[] = [];
  let cellNo = 0;
  for (const [target, conn] of targets) {
    for (const nodes of o.nodeCounts) {
      // Fresh hot ids per (target, nodes), shared by the floor and both clocks of that group.
      const lockIds = Array.from({ length: o.lockIdCount }, (_, k) => `${LOCK_PREFIX}:${runId}:${cellNo}:${k}`);
      cellNo++;
      const floorOps: Record<FloorOp, LoadResult | undefined> = { select1: undefined, upsert: undefined };
      for (const op of ["select1", "upsert"] as const) {
        await resetTables(admin);
        log(`${target} ${nodes} node(s) floor ${op}`);
        floorOps[op] = await runFloor(conn, op, nodes, lockIds, o.phase);
      }
      cells.push({
        target,
        nodes,
        workload: "floor",
        elapsedMs: floorOps.select1!.elapsedMs + floorOps.upsert!.elapsedMs,
        ops: [...opResults(floorOps.select1!, ["select1"]), ...opResults(floorOps.upsert!, ["upsert"])],
      });
      for (const clock of ["node", "database"] as Clock[]) {
        await resetTables(admin);
        log(`${target} ${nodes} node(s) clock=${clock}`);
        const r = await runLockCell(conn, clock, nodes, lockIds, o.phase);
        const { acquiresWon, acquiresLost, doubleGrants, failedRenews, failedReleases } = r;
        cells.push({
          target,
          nodes,
          workload: `clock=${clock}`,
          elapsedMs: r.elapsedMs,
          ops: opResults(r, ["acquire", "renew", "release"]),
          counters: { acquiresWon, acquiresLost, doubleGrants, failedRenews, failedReleases },
        });
      }
    }
  }
  addFloorRatios(cells);
  return cells;
}

function pgbouncerVersion(): string | undefined {
  const bin = findPgBouncer();
  if (!bin) return undefined;
  try {
    return execFileSync(bin, ["--version"], { encoding: "utf8" }).split("\n")[0]!.trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (o.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (o.selfCheck) {
    for (const line of selfCheck()) console.log(line);
    console.log("stats self-check passed");
    return 0;
  }
  const started = performance.now();
  const runId = randomUUID().slice(0, 8);
  let env: LocalEnvironment | undefined;
  let admin: Knex | undefined;
  let defaultPooler: DefaultPooler | undefined;
  const onSignal = () => {
    log("interrupted: stopping the local servers");
    void Promise.allSettled([defaultPooler?.stop(), env?.stop()]).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    env = await startLocalEnvironment({ replica: false, pgbouncer: true, log });
    const pg = env.endpoints.postgres;
    const writer: VisorConnection = { url: pg.writer.url };
    const pooler: VisorConnection | undefined = pg.pooler ? { url: pg.pooler.url } : undefined;
    if (!pooler) log("PgBouncer is not installed: measuring the direct target only");
    await bootstrapSchema(writer);
    admin = await openKnex(writer, { pool: { min: 0, max: 1 } });
    await createScratchTable(admin);
    const serverVersion = ((await admin.raw("SHOW server_version")) as { rows: { server_version: string }[] }).rows[0]!
      .server_version;
    const meta = {
      date: new Date().toISOString(),
      quick: o.quick,
      phase: o.phase,
      nodeCounts: o.nodeCounts,
      lockIdCount: o.lockIdCount,
      nproc: availableParallelism(),
      cpuModel: cpus()[0]?.model,
      totalMemGiB: +(totalmem() / 2 ** 30).toFixed(1),
      loadAvgAtStart: loadavg(),
      node: process.version,
      postgres: `${pg.major} (${serverVersion}, ${pg.source})`,
      // default_pool_size and server_reset_query_always: startPgBouncer's defaults in scripts/local-env/pgbouncer.ts.
      pgbouncer: pooler
        ? `${pgbouncerVersion() ?? "unknown version"}, pool_mode=${pg.pooler!.poolMode}, default_pool_size=20, server_reset_query_always=1`
        : "not installed",
    };
    const targets: [Target, VisorConnection][] = [["direct", writer]];
    if (pooler) targets.push(["pgbouncer", pooler]);
    if (o.poolerDefaults && pooler) {
      defaultPooler = await startDefaultPooler(pg);
      targets.push(["pgbouncer-reset-off", defaultPooler.connection]);
    }
    if (meta.loadAvgAtStart[0]! > meta.nproc) {
      log(
        `load average ${meta.loadAvgAtStart[0]!.toFixed(2)} > ${meta.nproc} CPUs: something else is running, numbers will be noisy`,
      );
    }
    const cells = await measure(admin, targets, o, runId);
    await resetTables(admin);
    const smoke = [];
    log(`smoke test × ${o.smokeRuns} direct`);
    smoke.push(await timeSmokeTest(writer, undefined, o.smokeRuns));
    if (pooler) {
      log(`smoke test × ${o.smokeRuns} with pooler`);
      smoke.push(await timeSmokeTest(writer, pooler, o.smokeRuns));
    }
    const results: BenchResults = {
      meta: { ...meta, loadAvgAtEnd: loadavg() },
      cells,
      smoke,
      totalWallMs: performance.now() - started,
    };
    console.log(
      `visor-db bench — ${meta.date}, ${meta.nproc} CPU(s), Node ${meta.node}, PostgreSQL ${meta.postgres}, ${meta.pgbouncer}`,
    );
    console.log(
      `${o.nodeCounts.join("/")} nodes contending for ${o.lockIdCount} lock ids; ${o.phase.durationMs} ms measured after ${o.phase.warmupMs} ms warm-up per cell${o.quick ? " (--quick: noisy)" : ""}`,
    );
    const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
    // Other work on the machine skews every number: say how busy it was.
    console.log(`load average ${load(meta.loadAvgAtStart)} at start, ${load(loadavg())} at end`);
    console.log(renderTable(results));
    if (o.json) console.log(`\nwrote ${writeJson(results, join(__dirname, "results"))}`);
    const bad =
      cells.some((c) => c.counters && (c.counters.doubleGrants || c.counters.failedRenews || c.counters.failedReleases)) ||
      smoke.some((s) => !s.allPassed);
    if (bad) log("correctness counters or smoke checks failed under load: see the notes column");
    return bad ? 2 : 0;
  } finally {
    if (admin) {
      await admin("scheduler_locks")
        .where("lock_id", "like", `${LOCK_PREFIX}:%`)
        .delete()
        .catch(() => undefined);
      await dropScratchTable(admin).catch(() => undefined);
      await admin.destroy();
    }
    await defaultPooler?.stop().catch(() => undefined);
    await env?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

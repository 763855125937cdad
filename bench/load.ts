// The closed-loop driver shared by the floor and the lock bench: N workers, each with its own
// connection, issue one operation after another (no think time) for a warm-up and then a measured
// window. Every loop is bounded by both a deadline and an iteration cap.
import { performance } from "node:perf_hooks";

export interface Phase {
  /** Run but not recorded: JIT, connection caches, the first index pages. */
  warmupMs: number;
  /** The measured window; throughput = operations started in it / its actual length. */
  durationMs: number;
  /** Hard cap per worker, so a loop ends even if the clock misbehaves. */
  maxIterationsPerWorker: number;
}

/** Latency samples (ms) per operation name. A null recorder (warm-up) drops them. */
export class Recorder {
  readonly samples = new Map<string, number[]>();

  add(op: string, ms: number): void {
    let list = this.samples.get(op);
    if (!list) this.samples.set(op, (list = []));
    list.push(ms);
  }
}

/** Times one awaited call and records it under `op` when `rec` is set. */
export async function timed<T>(rec: Recorder | null, op: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  rec?.add(op, performance.now() - t0);
  return result;
}

export interface LoadResult {
  recorder: Recorder;
  /** From the end of warm-up until the last worker finished its last operation. */
  elapsedMs: number;
}

/**
 * Runs `step` on every worker concurrently. `step` gets the recorder during the measured window and
 * null during warm-up; it decides what to time.
 */
export async function runClosedLoop<W>(
  workers: readonly W[],
  phase: Phase,
  step: (worker: W, rec: Recorder | null) => Promise<void>,
): Promise<LoadResult> {
  const recorder = new Recorder();
  const start = performance.now();
  const measureFrom = start + phase.warmupMs;
  const stopAt = measureFrom + phase.durationMs;
  await Promise.all(
    workers.map(async (w) => {
      for (let i = 0; i < phase.maxIterationsPerWorker; i++) {
        const now = performance.now();
        if (now >= stopAt) break;
        await step(w, now >= measureFrom ? recorder : null);
      }
    }),
  );
  return { recorder, elapsedMs: Math.max(performance.now() - measureFrom, 1) };
}

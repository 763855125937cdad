// Latency summaries. Percentiles use the nearest-rank method on the sorted samples (no interpolation),
// so every reported p50/p99 is a latency that was actually observed; `--self-check` proves it on
// hand-computed cases.

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted`: the smallest sample with at least p% of samples ≤ it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100] (got ${p})`);
  const rank = Math.ceil((p / 100) * sorted.length); // 1-based
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  // Float64Array sorts numerically (Array#sort would compare as strings).
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : NaN,
    min: sorted.length ? sorted[0]! : NaN,
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** Throws on the first wrong answer; cases are small enough to check by hand. */
export function selfCheck(): string[] {
  const results: string[] = [];
  const expect = (name: string, got: number, want: number) => {
    if (!(Object.is(got, want) || got === want)) throw new Error(`stats self-check ${name}: got ${got}, want ${want}`);
    results.push(`ok ${name} = ${want}`);
  };
  const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose
  const s100 = summarize(oneToHundred);
  expect("p50 of 1..100", s100.p50, 50);
  expect("p90 of 1..100", s100.p90, 90);
  expect("p99 of 1..100", s100.p99, 99);
  expect("mean of 1..100", s100.mean, 50.5);
  expect("min of 1..100", s100.min, 1);
  expect("max of 1..100", s100.max, 100);
  const s10 = summarize([10, 2, 9, 1, 3, 8, 4, 7, 5, 6]);
  expect("p50 of 1..10", s10.p50, 5);
  expect("p99 of 1..10", s10.p99, 10); // ceil(9.9) = rank 10
  expect("p50 of one sample", summarize([0.25]).p50, 0.25);
  expect("p99 of one sample", summarize([0.25]).p99, 0.25);
  expect("p50 of [1, 2]", summarize([2, 1]).p50, 1);
  // Numeric, not lexicographic, order: 10 > 9.
  expect("p50 of [9, 10, 100]", summarize([100, 9, 10]).p50, 10);
  expect("count of empty", summarize([]).count, 0);
  expect("p50 of empty", summarize([]).p50, NaN);
  return results;
}

if (require.main === module && process.argv.includes("--self-check")) {
  for (const line of selfCheck()) console.log(line);
  console.log("stats self-check passed");
}

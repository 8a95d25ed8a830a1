/** Timing helpers: throughput and latency of an async call, run after a warm-up, medians of several runs. */
export interface Sample {
  readonly opsPerSecond: number;
  readonly p50Micros?: number;
  readonly p99Micros?: number;
}

/** `n` calls one after the other; throughput and per-call latency percentiles. */
export async function sequential(call: () => Promise<unknown>, n: number): Promise<Sample> {
  const latencies = new Float64Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await call();
    latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort();
  return { opsPerSecond: n / seconds, p50Micros: latencies[Math.floor(n * 0.5)], p99Micros: latencies[Math.floor(n * 0.99)] };
}

/** `total` calls with `inFlight` of them outstanding at any time; throughput only. */
export async function concurrent(call: () => Promise<unknown>, total: number, inFlight: number): Promise<Sample> {
  let started = 0;
  const start = process.hrtime.bigint();
  const worker = async () => {
    while (started < total) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { opsPerSecond: total / (Number(process.hrtime.bigint() - start) / 1e9) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every subject once to warm up, then `runs` rounds in which each subject is measured in
 * turn (so drift on a shared machine hits all of them alike); returns the median per subject.
 */
export async function compare(
  subjects: Record<string, () => Promise<Sample>>,
  runs: number,
): Promise<Record<string, Sample>> {
  for (const measure of Object.values(subjects)) await measure();
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, measure] of Object.entries(subjects)) samples[name].push(await measure());
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [
      name,
      {
        opsPerSecond: median(list.map((s) => s.opsPerSecond)),
        ...(list[0].p50Micros !== undefined && {
          p50Micros: median(list.map((s) => s.p50Micros!)),
          p99Micros: median(list.map((s) => s.p99Micros!)),
        }),
      },
    ]),
  );
}

/** Timing helpers: throughput and latency of an async call, run after a warm-up, medians of several runs. */
export interface Sample {
  readonly opsPerSecond: number;
  readonly p50Micros?: number;
  readonly p99Micros?: number;
}

/**
 * `n` calls one after the other, throughput only. No clock is read per call: in process a
 * call costs tens of nanoseconds, about what reading the clock twice costs.
 */
export async function throughput(call: () => Promise<unknown>, n: number): Promise<Sample> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call();
  return { opsPerSecond: n / (Number(process.hrtime.bigint() - start) / 1e9) };
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
  return { opsPerSecond: n / seconds, ...percentiles(latencies) };
}

/** `total` calls with `inFlight` of them outstanding at any time; throughput and per-call latency. */
export async function concurrent(call: () => Promise<unknown>, total: number, inFlight: number): Promise<Sample> {
  const latencies = new Float64Array(total);
  let started = 0;
  const start = process.hrtime.bigint();
  const worker = async () => {
    while (started < total) {
      const i = started++;
      const t0 = process.hrtime.bigint();
      await call();
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { opsPerSecond: total / seconds, ...percentiles(latencies) };
}

/** p50 and p99 of latencies in microseconds (sorts in place). */
function percentiles(latencies: Float64Array): { p50Micros: number; p99Micros: number } {
  latencies.sort();
  return { p50Micros: quantile(latencies, 0.5), p99Micros: quantile(latencies, 0.99) };
}

/** The value below which a fraction `q` of the sorted `values` lie. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
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
export async function compare<K extends string>(
  subjects: Record<K, () => Promise<Sample>>,
  runs: number,
): Promise<Record<K, Sample>> {
  const entries = Object.entries(subjects) as [K, () => Promise<Sample>][];
  for (const [, measure] of entries) await measure();
  const samples = new Map<K, Sample[]>(entries.map(([name]) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, measure] of entries) samples.get(name)!.push(await measure());
  }
  return Object.fromEntries(
    [...samples].map(([name, list]) => [
      name,
      {
        opsPerSecond: median(list.map((s) => s.opsPerSecond)),
        ...(list[0].p50Micros !== undefined && {
          p50Micros: median(list.map((s) => s.p50Micros!)),
          p99Micros: median(list.map((s) => s.p99Micros!)),
        }),
      },
    ]),
  ) as Record<K, Sample>;
}

import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Buckets (seconds) for calls that usually take well under a millisecond in process and a few across one. */
const SEAM_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type SeamSide = 'send' | 'handle';
export type SeamMode = 'local' | 'remote';

/** One seam route's histogram children, so the hot path does not hash label sets per call. */
export interface SeamTimer {
  observe(outcome: string, seconds: number): void;
}

/**
 * The process's Prometheus metrics (`GET /metrics`), in a registry of its own (several apps
 * can live in one process, as in the tests):
 *   http_request_duration_seconds{method,route,status}
 *   seams_seam_call_duration_seconds{module,message,kind,mode,side,outcome}
 *   seams_outbox_depth{module}, seams_outbox_lag_seconds{module}, seams_outbox_parked{module}
 *   seams_circuit_breaker_state{module} (0 closed, 1 open, 2 half-open, 3 isolated)
 *   and Node's defaults, among them nodejs_eventloop_lag_seconds and process_resident_memory_bytes.
 * Gauges whose value lives elsewhere (the outbox tables, the breakers) are read at scrape time
 * through `onScrape`.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly seam = new SeamHistogram(
    'seams_seam_call_duration_seconds',
    'Messages through the seam: sent (side=send) or handled for another process (side=handle), by outcome (ok or the error code)',
    SEAM_BUCKETS,
  );
  private readonly scrapers: (() => Promise<void> | void)[] = [];
  private readonly counters = new Map<string, Counter<string>>();

  constructor() {
    this.registry.registerMetric(this.seam as unknown as Parameters<Registry['registerMetric']>[0]);
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }

  /** A timer for one route of the seam; keep it, it caches the label children per outcome. */
  seamTimer(labels: { module: string; message: string; kind: string; mode: SeamMode; side: SeamSide }): SeamTimer {
    const children = new Map<string, Series>();
    const seam = this.seam;
    let ok: Series | undefined;
    return {
      observe(outcome, seconds) {
        if (outcome === 'ok') {
          (ok ??= seam.series({ ...labels, outcome })).observe(seconds);
          return;
        }
        let series = children.get(outcome);
        if (!series) {
          series = seam.series({ ...labels, outcome });
          // Error codes are a closed set per contract; cap anyway so a bug cannot grow the map.
          if (children.size < 50) children.set(outcome, series);
        }
        series.observe(seconds);
      },
    };
  }

  /** A counter of this registry (the same one for the same name). */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({ name, help, labelNames, registers: [this.registry] });
      this.counters.set(name, counter);
    }
    return counter as Counter<L>;
  }

  /** A gauge whose values are set at scrape time by `collect`. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (gauge: Gauge<L>) => Promise<void> | void): void {
    const gauge = new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
    this.scrapers.push(() => collect(gauge));
  }

  /** The exposition text; refreshes the gauges first (a failing source leaves its last values). */
  async scrape(): Promise<string> {
    await Promise.all(this.scrapers.map((scrape) => Promise.resolve().then(scrape).catch(() => undefined)));
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Express middleware timing every request. The route label is Nest's route template
   * (`/v1/notes/:id`), never the raw path, so ids do not multiply the series; requests that
   * matched no route share `unmatched`.
   */
  httpMiddleware(): (request: Request, response: Response, next: NextFunction) => void {
    return (request, response, next) => {
      const started = performance.now();
      response.once('finish', () => {
        const path = (request.route as { path?: unknown } | undefined)?.path;
        // Nest answers unknown paths from a catch-all route (`{/*splat}`): that is no route either.
        const route = typeof path === 'string' && !path.includes('*') ? `${request.baseUrl}${path}` : 'unmatched';
        this.http.observe(
          { method: request.method, route, status: String(response.statusCode) },
          (performance.now() - started) / 1000,
        );
      });
      next();
    };
  }
}

/** One label set of a `SeamHistogram`: plain counters, nothing hashed per observation. */
class Series {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++;
        return;
      }
    }
  }
}

/**
 * A Prometheus histogram for the seam's hot path. prom-client's `Histogram` hashes the label
 * set on every observation, which costs more than an in-process dispatch itself; here each
 * label set is a `Series` the caller keeps, and the exposition is built at scrape time (the
 * same `_bucket`/`_sum`/`_count` lines prom-client writes).
 */
class SeamHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  series(labels: Record<string, string>): Series {
    const key = JSON.stringify(labels);
    let series = this.all.get(key);
    if (!series) {
      series = new Series(labels, this.bounds);
      this.all.set(key, series);
    }
    return series;
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string | number>; value: number; metricName: string }[] }> {
    const values = [];
    for (const series of this.all.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += series.counts[i];
        values.push({ labels: { ...series.labels, le: this.bounds[i] }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { ...series.labels, le: '+Inf' }, value: series.count, metricName: `${this.name}_bucket` });
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }
}

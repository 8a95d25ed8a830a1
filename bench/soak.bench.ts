import type { AppProcess } from './app-process';
import { httpJson } from './app-process';
import { ADMIN, CUSTOMERS, drained, seed, type Setup, sku, startSetup } from './http.bench';
import { METRICS_BEARER } from './auth';
import { median } from './measure';
import { type PgServer, type Profile, retryingPortClash, sleep } from './support';

/**
 * Scenario 6, soak: steady mixed load for a long time (ten minutes by default) against the
 * built app with inventory in a module host of its own over TCP, then: did anything grow?
 *
 * Load: RATE requests a second, at most IN_FLIGHT at once (a request that would exceed it is
 * skipped and counted), a mix of orders placed (POST /v1/orders) and reads of products, stock
 * (from the inventory host) and the orders placed. Each process is measured at rest after a
 * warm-up and again at the end (load paused, outboxes drained, then three scrapes of its
 * `GET /metrics` a second apart, median): RSS, heap used and active resources (what keeps the
 * event loop alive: sockets, timers, handles; `nodejs_active_resources_total`, from
 * `process.getActiveResourcesInfo()`). Event-loop delay (p50 and p99 of `monitorEventLoopDelay`,
 * `nodejs_eventloop_lag_p50/p99_seconds`, reset by each scrape) is read under load every
 * SCRAPE_MS, and the first and last minute compared (a short run: its first and last sixth).
 *
 * Duration: `SOAK_MS` or `--soak-ms=N` (the smoke run: 6 s).
 */
const RATE = 50;
const IN_FLIGHT = 32;
const SCRAPE_MS = 10_000;
const SKUS = 200;
const SMOKE_SKUS = 10;
export const SOAK_MS = 600_000;
const SMOKE_SOAK_MS = 6_000;

/**
 * What counts as growth (the noise threshold): the end reading is above the start by more
 * than both the relative and the absolute margin. RSS and heap move with the garbage
 * collector's timing by a few MiB; event-loop delay on a shared 2-core machine by milliseconds;
 * active resources by the odd pooled socket or timer.
 */
export const GROWTH_THRESHOLDS: Record<SoakMetric, { readonly relative: number; readonly absolute: number; readonly unit: string }> = {
  rssMiB: { relative: 0.2, absolute: 20, unit: 'MiB' },
  heapUsedMiB: { relative: 0.2, absolute: 10, unit: 'MiB' },
  activeResources: { relative: 0.2, absolute: 5, unit: '' },
  eventLoopP50Ms: { relative: 1, absolute: 5, unit: 'ms' },
  eventLoopP99Ms: { relative: 1, absolute: 20, unit: 'ms' },
};

export type SoakMetric = 'rssMiB' | 'heapUsedMiB' | 'activeResources' | 'eventLoopP50Ms' | 'eventLoopP99Ms';
export type SoakReading = Record<SoakMetric, number>;

export interface SoakProcessResult {
  readonly start: SoakReading;
  readonly end: SoakReading;
  readonly grew: readonly SoakMetric[];
}

export interface SoakResult {
  readonly seconds: number;
  readonly warmUpSeconds: number;
  readonly rate: number;
  readonly requests: number;
  readonly skipped: number;
  /** Answers that were not 2xx, and requests that failed, by kind of request. */
  readonly errors: Record<string, number>;
  readonly byKind: Record<string, number>;
  readonly parked: number;
  readonly processes: Record<string, SoakProcessResult>;
}

/** Whether `end` is above `start` by more than the noise threshold of `metric`. */
export function grew(metric: SoakMetric, start: number, end: number): boolean {
  const { relative, absolute } = GROWTH_THRESHOLDS[metric];
  return end - start > absolute && end > start * (1 + relative);
}

/** The soak duration: `--soak-ms=N`, else `SOAK_MS`, else ten minutes (the smoke run: a few seconds). */
export function soakMs(profile: Profile, args: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): number {
  const flag = args.find((arg) => arg.startsWith('--soak-ms='))?.slice('--soak-ms='.length);
  const text = flag ?? env.SOAK_MS;
  if (text === undefined || text === '') return profile.smoke ? SMOKE_SOAK_MS : SOAK_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1000) throw new Error(`The soak duration (--soak-ms or SOAK_MS) must be a whole number of milliseconds, at least 1000; got "${text}"`);
  return ms;
}

export async function soak(profile: Profile, server: PgServer): Promise<SoakResult> {
  const totalMs = soakMs(profile);
  const warmUpMs = Math.min(60_000, Math.round(totalMs / 10));
  const skus = profile.smoke ? SMOKE_SKUS : SKUS;
  const setup = await retryingPortClash(() => startSetup(server, 'soak: inventory remote (TCP)', ['inventory'], skus));
  try {
    await seed(setup);
    const load = new Load(setup, skus);
    await load.run(warmUpMs, SCRAPE_MS);
    await drained(setup);
    const start = await readAll(setup);
    // Every 10 s; a short run (the smoke) scrapes often enough to have a first and a last sample.
    const scrapeMs = Math.min(SCRAPE_MS, Math.max(1000, Math.floor(totalMs / 6)));
    const lag = new LagSampler(setup, Math.max(1, Math.floor(60_000 / scrapeMs)));
    await load.run(totalMs, scrapeMs, () => lag.sample());
    await drained(setup);
    const end = await readAll(setup);
    const processes: Record<string, SoakProcessResult> = {};
    for (const name of Object.keys(setup.processes)) {
      const s = { ...start[name], ...lag.first(name) };
      const e = { ...end[name], ...lag.last(name) };
      processes[name] = { start: s, end: e, grew: (Object.keys(GROWTH_THRESHOLDS) as SoakMetric[]).filter((metric) => grew(metric, s[metric], e[metric])) };
    }
    const stats = await Promise.all(Object.values(setup.processes).map((app) => httpJson(app.port, 'GET', '/v1/admin/events/stats', ADMIN)));
    const parked = stats.flatMap((answer) => answer.body as { parked: number }[]).reduce((sum, row) => sum + row.parked, 0);
    return {
      seconds: totalMs / 1000,
      warmUpSeconds: warmUpMs / 1000,
      rate: RATE,
      requests: load.requests,
      skipped: load.skipped,
      errors: load.errors,
      byKind: load.byKind,
      parked,
      processes,
    };
  } finally {
    await Promise.all(Object.values(setup.processes).map((app) => app.stop()));
    await setup.database.drop().catch(() => undefined);
  }
}

type Kind = 'place order' | 'read product' | 'read stock' | 'read order';
/** The mix, in tenths: four orders placed to six reads. */
const MIX: readonly Kind[] = ['place order', 'place order', 'place order', 'place order', 'read product', 'read product', 'read stock', 'read stock', 'read order', 'read order'];

/** The steady load: RATE requests a second, paced every 10 ms, at most IN_FLIGHT at once. */
class Load {
  requests = 0;
  skipped = 0;
  readonly errors: Record<string, number> = {};
  readonly byKind: Record<string, number> = {};
  private inFlight = 0;
  private next = 0;
  /** Orders placed so far (id and customer), read back at random; the latest 1000 kept. */
  private readonly orders: { id: string; customer: string }[] = [];

  constructor(
    private readonly setup: Setup,
    private readonly skus: number,
  ) {}

  async run(ms: number, everyMs: number, every?: () => Promise<void>): Promise<void> {
    const started = Date.now();
    let sent = 0;
    let nextSample = started + everyMs;
    const sampling: Promise<void>[] = [];
    while (Date.now() - started < ms) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      for (; sent < due; sent++) {
        if (this.inFlight >= IN_FLIGHT) this.skipped++;
        else void this.one();
      }
      if (every && Date.now() >= nextSample) {
        nextSample += everyMs;
        sampling.push(every());
      }
      await sleep(10);
    }
    await Promise.all(sampling);
    while (this.inFlight > 0) await sleep(10);
  }

  private async one(): Promise<void> {
    const kind = MIX[this.next++ % MIX.length];
    this.inFlight++;
    this.requests++;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    try {
      const answer = await this.send(kind);
      if (answer.status < 200 || answer.status > 299) this.errors[`${kind} ${answer.status}`] = (this.errors[`${kind} ${answer.status}`] ?? 0) + 1;
    } catch (error) {
      const key = `${kind} ${(error as Error).message}`;
      this.errors[key] = (this.errors[key] ?? 0) + 1;
    } finally {
      this.inFlight--;
    }
  }

  private send(kind: Kind): Promise<{ status: number; body: unknown }> {
    const { monolith, inventory } = this.setup;
    const random = () => sku(Math.floor(Math.random() * this.skus));
    switch (kind) {
      case 'place order': {
        const customer = CUSTOMERS[this.requests % CUSTOMERS.length];
        const first = Math.floor(Math.random() * this.skus);
        const second = (first + 1) % this.skus;
        const lines = [
          { sku: sku(first), quantity: 1 },
          { sku: sku(second), quantity: 1 },
        ];
        return httpJson(monolith.port, 'POST', '/v1/orders', customer, { lines }).then((answer) => {
          const id = (answer.body as { id?: unknown } | undefined)?.id;
          if (answer.status === 201 && typeof id === 'string') {
            this.orders.push({ id, customer });
            if (this.orders.length > 1000) this.orders.shift();
          }
          return answer;
        });
      }
      case 'read product':
        return httpJson(monolith.port, 'GET', `/v1/catalog/products/${random()}`, CUSTOMERS[0]);
      case 'read stock':
        return httpJson(inventory.port, 'GET', `/v1/inventory/stock/${random()}`, ADMIN);
      case 'read order': {
        const order = this.orders[Math.floor(Math.random() * this.orders.length)];
        if (!order) return httpJson(monolith.port, 'GET', `/v1/catalog/products/${random()}`, CUSTOMERS[0]);
        return httpJson(monolith.port, 'GET', `/v2/orders/${order.id}`, order.customer);
      }
    }
  }
}

/** `GET /metrics` of one process, as name (with labels) → value. */
async function scrape(app: AppProcess): Promise<Map<string, number>> {
  const answer = await httpJson(app.port, 'GET', '/metrics', METRICS_BEARER);
  if (answer.status !== 200 || typeof answer.body !== 'string') throw new Error(`GET /metrics answered ${answer.status}`);
  const values = new Map<string, number>();
  for (const line of answer.body.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

function value(metrics: Map<string, number>, name: string): number {
  const found = metrics.get(name);
  if (found === undefined || Number.isNaN(found)) throw new Error(`GET /metrics has no ${name}`);
  return found;
}

type AtRest = Pick<SoakReading, 'rssMiB' | 'heapUsedMiB' | 'activeResources'>;

/** Each process at rest: the median of three scrapes a second apart. */
async function readAll(setup: Setup): Promise<Record<string, AtRest>> {
  const readings: Record<string, AtRest[]> = {};
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(1000);
    for (const [name, app] of Object.entries(setup.processes)) {
      const metrics = await scrape(app);
      (readings[name] ??= []).push({
        rssMiB: value(metrics, 'process_resident_memory_bytes') / 2 ** 20,
        heapUsedMiB: value(metrics, 'nodejs_heap_size_used_bytes') / 2 ** 20,
        activeResources: value(metrics, 'nodejs_active_resources_total'),
      });
    }
  }
  return Object.fromEntries(
    Object.entries(readings).map(([name, list]) => [
      name,
      { rssMiB: median(list.map((r) => r.rssMiB)), heapUsedMiB: median(list.map((r) => r.heapUsedMiB)), activeResources: median(list.map((r) => r.activeResources)) },
    ]),
  );
}

/** Event-loop delay under load, scraped every SCRAPE_MS (each scrape covers the time since the one before). */
class LagSampler {
  private readonly samples = new Map<string, { p50: number; p99: number }[]>();

  constructor(
    private readonly setup: Setup,
    /** Samples in a minute: the window compared at each end (at most half of all samples). */
    private readonly perMinute: number,
  ) {}

  async sample(): Promise<void> {
    await Promise.all(
      Object.entries(this.setup.processes).map(async ([name, app]) => {
        const metrics = await scrape(app);
        const list = this.samples.get(name) ?? [];
        list.push({ p50: value(metrics, 'nodejs_eventloop_lag_p50_seconds') * 1000, p99: value(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000 });
        this.samples.set(name, list);
      }),
    );
  }

  /** Medians over the first minute of samples (at least one). */
  first(name: string): Pick<SoakReading, 'eventLoopP50Ms' | 'eventLoopP99Ms'> {
    return this.window(name, (list) => list.slice(0, this.count(list)));
  }

  /** Medians over the last minute of samples. */
  last(name: string): Pick<SoakReading, 'eventLoopP50Ms' | 'eventLoopP99Ms'> {
    return this.window(name, (list) => list.slice(-this.count(list)));
  }

  private count(list: readonly unknown[]): number {
    return Math.max(1, Math.min(this.perMinute, Math.floor(list.length / 2)));
  }

  private window(name: string, pick: (list: { p50: number; p99: number }[]) => { p50: number; p99: number }[]) {
    const list = pick(this.samples.get(name) ?? []);
    if (list.length === 0) return { eventLoopP50Ms: NaN, eventLoopP99Ms: NaN };
    return { eventLoopP50Ms: median(list.map((s) => s.p50)), eventLoopP99Ms: median(list.map((s) => s.p99)) };
  }
}

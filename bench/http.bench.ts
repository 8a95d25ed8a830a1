import autocannon from 'autocannon';
import { type AppProcess, httpJson, startAppProcess } from './app-process';
import { bearer } from './auth';
import { median } from './measure';
import { type BenchDatabase, freePort, type PgServer, type Profile, retryingPortClash, sleep } from './support';

/**
 * Scenario 3, HTTP end to end: `POST /v1/orders` under load (autocannon, CONNECTIONS
 * connections, a fixed duration per run), against real processes of the built app: the
 * monolith with every module local, and the monolith with inventory and payments each in a
 * module host process of its own over TCP. Both setups run side by side, each on a database
 * of its own, and are measured in turn; between runs, every outbox is drained (payment,
 * confirmation and stock settlement run in the background after each 201), so a run never
 * pays for the one before.
 *
 * Every order is valid and can be served (two lines of one unit each, of two of SKUS products
 * at PRICE_MINOR with STOCK units each: a total of 200 minor units, far below the payment limit
 * of 100000), so every answer but a 201 counts as an error, 4xx included: a 409 here would mean
 * the bench ran out of stock and was measuring a cheaper path. Deadlocks PostgreSQL detected
 * in each setup's database are counted too (pg_stat_database).
 */
const CONNECTIONS = 32;
/** Products in the catalog (fewer in the smoke run, which seeds them twice in seconds). */
const SKUS = 1000;
const SMOKE_SKUS = 20;
const PRICE_MINOR = 100;
const STOCK = 100_000_000;

export interface HttpSetupResult {
  readonly label: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Every answer that was not a 201, connection errors and timeouts, over all runs (warm-up included). */
  readonly errors: number;
  readonly requests: number;
  readonly statusCodes: Record<string, number>;
  /** Deliveries that ran out of attempts by the end (should be 0). */
  readonly parked: number;
  /** Deadlocks PostgreSQL detected in the setup's database, seeding and all runs together. */
  readonly deadlocks: number;
  /** RSS (MiB) of each process after seeding, at rest, and the most seen while under load. */
  readonly rss: Record<string, { readonly idle?: number; readonly peak?: number }>;
}

export interface HttpResult {
  readonly connections: number;
  readonly seconds: number;
  readonly local: HttpSetupResult;
  readonly split: HttpSetupResult;
}

export interface Setup {
  readonly label: string;
  readonly processes: Record<string, AppProcess>;
  readonly monolith: AppProcess;
  readonly inventory: AppProcess;
  readonly database: BenchDatabase;
  readonly skus: number;
}

export async function http(profile: Profile, server: PgServer): Promise<HttpResult> {
  const seconds = profile.smoke ? 1 : 5;
  const warmUpSeconds = profile.smoke ? 1 : 3;
  const setups: Setup[] = [];
  try {
    const skus = profile.smoke ? SMOKE_SKUS : SKUS;
    setups.push(await retryingPortClash(() => startSetup(server, 'all local', [], skus)));
    setups.push(await retryingPortClash(() => startSetup(server, 'inventory and payments remote (TCP)', ['inventory', 'payments'], skus)));
    const tallies = new Map<Setup, Tally>(setups.map((setup) => [setup, new Tally(setup)]));
    for (const setup of setups) {
      await seed(setup);
      tallies.get(setup)!.idle();
    }
    for (let run = 0; run <= profile.runs; run++) {
      for (const setup of setups) {
        const tally = tallies.get(setup)!;
        const result = await load(setup, run === 0 ? warmUpSeconds : seconds, tally);
        if (run > 0) tally.add(result);
        await drained(setup);
      }
    }
    const [local, split] = await Promise.all(setups.map((setup) => tallies.get(setup)!.result()));
    return { connections: CONNECTIONS, seconds, local, split };
  } finally {
    for (const setup of setups.reverse()) {
      await Promise.all(Object.values(setup.processes).map((app) => app.stop()));
      await setup.database.drop().catch(() => undefined);
    }
  }
}

/** The processes of one setup, each ready (its /health answering). */
export async function startSetup(server: PgServer, label: string, remote: readonly string[], skus: number): Promise<Setup> {
  const database = await server.createDatabase(remote.length ? 'http_split' : 'http_local');
  const env: Record<string, string> = { DATABASE_URL: database.url };
  const processes: Record<string, AppProcess> = {};
  try {
    if (remote.length > 0) {
      const monolithUrl = `tcp://127.0.0.1:${await freePort()}`;
      for (const module of ['catalog', 'inventory', 'ordering', 'payments']) {
        env[`SEAMS_${module.toUpperCase()}_URL`] = remote.includes(module) ? `tcp://127.0.0.1:${await freePort()}` : monolithUrl;
      }
      // The hosts first, one after the other (each migrates its schema on a fresh database).
      for (const module of remote) {
        processes[module] = startAppProcess(env, await freePort(), ['--module', module]);
        await processes[module].ready();
      }
    }
    const monolithEnv = { ...env, ...Object.fromEntries(remote.map((module) => [`SEAMS_${module.toUpperCase()}`, 'remote'])) };
    processes.monolith = startAppProcess(monolithEnv, await freePort());
    await processes.monolith.ready();
  } catch (error) {
    await Promise.all(Object.values(processes).map((app) => app.stop()));
    await database.drop();
    throw error;
  }
  return { label, processes, monolith: processes.monolith, inventory: processes.inventory ?? processes.monolith, database, skus };
}

export const sku = (i: number) => `BENCH-${i}`;
/** Products and stock are set up by an administrator; orders are placed by 20 customers (the token's subject is the customer). */
export const ADMIN = bearer('bench-admin', ['admin']);
export const CUSTOMERS = Array.from({ length: 20 }, (_, i) => bearer(`bench-customer-${i}`, ['customer']));

/** Registers the products and their stock, eight at a time. */
export async function seed(setup: Setup): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < setup.skus) await seedOne(setup, next++);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function seedOne(setup: Setup, i: number): Promise<void> {
  const product = await httpJson(setup.monolith.port, 'POST', '/v1/catalog/products', ADMIN, {
    sku: sku(i),
    name: `Bench product ${i}`,
    priceMinor: PRICE_MINOR,
    currency: 'EUR',
  });
  const stock = await httpJson(setup.inventory.port, 'PUT', `/v1/inventory/stock/${sku(i)}`, ADMIN, { onHand: STOCK });
  if (product.status !== 201 || stock.status !== 200) {
    throw new Error(`seeding ${setup.label} failed: product ${product.status}, stock ${stock.status} ${JSON.stringify(stock.body)}`);
  }
}

let placed = 0;

/** An order of two different products, one unit each, placed by the next customer. */
function orderRequest(request: autocannon.Request, skus: number): autocannon.Request {
  const authorization = CUSTOMERS[placed++ % CUSTOMERS.length];
  const first = Math.floor(Math.random() * skus);
  const second = (first + 1 + Math.floor(Math.random() * (skus - 1))) % skus;
  const body = JSON.stringify({
    lines: [
      { sku: sku(first), quantity: 1 },
      { sku: sku(second), quantity: 1 },
    ],
  });
  return { ...request, headers: { ...request.headers, authorization }, body };
}

async function load(setup: Setup, seconds: number, tally: Tally): Promise<autocannon.Result> {
  const sampler = setInterval(() => tally.sample(), 250);
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${setup.monolith.port}`,
      connections: CONNECTIONS,
      duration: seconds,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          path: '/v1/orders',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => orderRequest(request, setup.skus),
        },
      ],
    });
    tally.count(result);
    return result;
  } finally {
    clearInterval(sampler);
  }
}

interface OutboxStats {
  readonly module: string;
  readonly depth: number;
  readonly parked: number;
}

async function outboxStats(setup: Setup): Promise<OutboxStats[]> {
  const answers = await Promise.all(Object.values(setup.processes).map((app) => httpJson(app.port, 'GET', '/v1/admin/events/stats', ADMIN)));
  return answers.flatMap((answer) => {
    if (answer.status !== 200) throw new Error(`outbox stats of ${setup.label}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as OutboxStats[];
  });
}

/** Waits until every outbox of the setup is empty (twice in a row: a delivery may publish more). */
export async function drained(setup: Setup, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let emptyInARow = 0;
  while (emptyInARow < 2) {
    if (Date.now() > deadline) throw new Error(`the outboxes of ${setup.label} did not drain in ${timeoutMs / 1000} s`);
    const stats = await outboxStats(setup);
    emptyInARow = stats.every((s) => s.depth === 0) ? emptyInARow + 1 : 0;
    await sleep(100);
  }
}

/** What one setup's runs add up to. */
class Tally {
  private readonly runs: autocannon.Result[] = [];
  private errors = 0;
  private requests = 0;
  private readonly codes: Record<string, number> = {};
  private readonly rss: Record<string, { idle?: number; peak?: number }> = {};

  constructor(private readonly setup: Setup) {
    for (const name of Object.keys(setup.processes)) this.rss[name] = {};
  }

  idle(): void {
    for (const [name, app] of Object.entries(this.setup.processes)) this.rss[name].idle = app.rssMiB();
  }

  sample(): void {
    for (const [name, app] of Object.entries(this.setup.processes)) {
      const now = app.rssMiB();
      if (now !== undefined) this.rss[name].peak = Math.max(this.rss[name].peak ?? 0, now);
    }
  }

  count(result: autocannon.Result): void {
    this.requests += result.requests.total;
    this.errors += result.errors + result.timeouts;
    for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
      this.codes[code] = (this.codes[code] ?? 0) + Number(count);
      if (code !== '201') this.errors += Number(count);
    }
  }

  add(result: autocannon.Result): void {
    this.runs.push(result);
  }

  async result(): Promise<HttpSetupResult> {
    const stats = await outboxStats(this.setup);
    return {
      label: this.setup.label,
      requestsPerSecond: median(this.runs.map((r) => r.requests.total / r.duration)),
      p50Ms: median(this.runs.map((r) => r.latency.p50)),
      p99Ms: median(this.runs.map((r) => r.latency.p99)),
      errors: this.errors,
      requests: this.requests,
      statusCodes: this.codes,
      parked: stats.reduce((sum, s) => sum + s.parked, 0),
      deadlocks: await this.setup.database.deadlocks(),
      rss: this.rss,
    };
  }
}

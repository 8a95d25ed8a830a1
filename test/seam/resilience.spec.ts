// @uses-modules catalog, inventory, ordering
import { type Cluster, startCluster } from '../support/cluster';
import { eventually } from '../support/test-app';

/**
 * A module host that hangs (SIGSTOP: connections open, nothing answers). Callers time out at
 * the deadline, then the circuit opens and they are turned away at once with a 503 and a
 * Retry-After; once the host is back, traffic recovers by itself after the half-open period.
 */
describe('the circuit breaker of a remote module', () => {
  let cluster: Cluster;
  const order = () => cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'CB-1', quantity: 1 }] });

  beforeAll(async () => {
    cluster = await startCluster({
      remote: ['inventory'],
      // each failed order makes two calls to inventory (reserve, then the release that undoes it),
      // so five consecutive failures are three orders
      monolithEnv: { SEAMS_TIMEOUT_MS: '600', SEAMS_INVENTORY_BREAKER_THRESHOLD: '5', SEAMS_INVENTORY_BREAKER_HALF_OPEN_MS: '1500' },
    });
    await cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'CB-1', name: 'C', priceMinor: 5, currency: 'EUR' }).expect(201);
    await cluster.http('inventory').put('/v1/inventory/stock/CB-1').send({ onHand: 100 }).expect(200);
  });

  afterAll(async () => {
    cluster?.host('inventory').child.kill('SIGCONT');
    await cluster?.close();
  });

  it('times out, then fails fast with 503 and Retry-After while open, and recovers on its own', async () => {
    await order().expect(201);
    // let that order's events settle first: the relay's deliveries to inventory count too
    await eventually(
      async () => (await cluster.http('inventory').get('/v1/inventory/stock/CB-1').expect(200)).body,
      (stock: { onHand: number; reserved: number }) => stock.onHand === 99 && stock.reserved === 0,
    );
    cluster.host('inventory').child.kill('SIGSTOP');
    try {
      const timedOut: { status: number; code: string }[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await order();
        timedOut.push({ status: response.status, code: response.body.code });
      }
      // the seam's deadline each time (its own timeout answer), never a hang
      expect(timedOut).toEqual(Array(3).fill({ status: 504, code: 'seam.timeout' }));
      const response = await order();
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('2');
      expect(response.body).toMatchObject({ code: 'seam.unavailable', module: 'inventory', retryAfterSeconds: 2 });
      // turned away by the open breaker without a call, so without waiting for the deadline (not seam.timeout)
      expect(response.body.detail).toMatch(/circuit breaker is open/);
      await cluster.http('catalog').get('/v1/catalog/products/CB-1').expect(200); // others keep serving
    } finally {
      cluster.host('inventory').child.kill('SIGCONT');
    }
    const recovered = await eventually(
      async () => (await order()).status,
      (status) => status === 201,
      10_000,
    );
    expect(recovered).toBe(201);
  });
});

/**
 * The host killed while ten clients keep ordering: every answer is a 201 or a 503 with
 * Retry-After, within the timeout; once the breaker is open the 503s come at once; after the
 * host is back, orders succeed again within the half-open period, with nobody intervening.
 */
describe('a remote module host killed under load', () => {
  let cluster: Cluster;
  const TIMEOUT_MS = 2000;
  const HALF_OPEN_MS = 1000;

  beforeAll(async () => {
    cluster = await startCluster({
      remote: ['inventory'],
      monolithEnv: {
        SEAMS_TIMEOUT_MS: String(TIMEOUT_MS),
        SEAMS_INVENTORY_BREAKER_THRESHOLD: '5',
        SEAMS_INVENTORY_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
        // ten clients from one address: the per-address rate limit would answer 429 instead
        SEAMS_RATE_LIMIT: '0',
      },
    });
    await cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'LOAD-1', name: 'L', priceMinor: 5, currency: 'EUR' }).expect(201);
    await cluster.http('inventory').put('/v1/inventory/stock/LOAD-1').send({ onHand: 100000 }).expect(200);
  });

  afterAll(() => cluster?.close());

  it('answers every request in time, fails fast once open, and recovers by itself', async () => {
    // Where the test is when a request starts and when its answer comes.
    type Stage = 'up' | 'killed' | 'restarted' | 'recovered';
    type Outcome = { status: number; retryAfter?: string; detail?: string; startedIn: Stage; endedIn: Stage };
    let stage: Stage = 'up';
    const outcomes: Outcome[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        const startedIn = stage;
        const response = await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'LOAD-1', quantity: 1 }] });
        outcomes.push({ status: response.status, retryAfter: response.headers['retry-after'], detail: response.body.detail, startedIn, endedIn: stage });
      }
    };
    const clients = Array.from({ length: 10 }, client);
    const observed = (count: number, which: (outcome: Outcome) => boolean) =>
      eventually(async () => outcomes.filter(which).length, (n) => n >= count, 20_000);
    const fastFail = (o: Outcome) => o.status === 503 && /circuit breaker is open/.test(o.detail ?? '');

    try {
      await observed(20, (o) => o.status === 201);
      stage = 'killed';
      await cluster.host('inventory').stop('SIGKILL');
      await observed(1, (o) => o.startedIn === 'killed' && fastFail(o));
      // catalog does not need inventory and keeps answering under the same load
      await cluster.http('catalog').get('/v1/catalog/products/LOAD-1').expect(200);
      stage = 'restarted';
      await cluster.startHost('inventory');
      await observed(1, (o) => o.startedIn === 'restarted' && o.status === 201);
      stage = 'recovered';
      await observed(20, (o) => o.startedIn === 'recovered');
    } finally {
      running = false;
      await Promise.all(clients);
    }

    // anything but 201 or 503 (a 504 would be a call that waited for its deadline) shows whole
    // (with its problem detail) when this fails, with the error lines of the inventory host
    // (a 500 from there says "the log of that process has the details")
    const unexpected = outcomes.filter((outcome) => outcome.status !== 201 && outcome.status !== 503);
    const hostErrors = unexpected.length === 0 ? [] : cluster.host('inventory').logs().filter((line) => Number(line.level) >= 50);
    expect({ unexpected, hostErrors }).toEqual({ unexpected: [], hostErrors: [] });
    for (const outcome of outcomes) {
      if (outcome.status === 503) expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    const before = outcomes.filter((o) => o.endedIn === 'up');
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((o) => o.status === 201)).toBe(true);
    // once the breaker is open, callers are turned away without a call (no deadline to wait for)
    expect(outcomes.filter((o) => o.startedIn === 'killed' && fastFail(o)).length).toBeGreaterThan(0);
    // once one order has got through again (the half-open trial), the breaker is closed for all
    const after = outcomes.filter((o) => o.startedIn === 'recovered');
    expect(after.length).toBeGreaterThanOrEqual(20);
    expect(after.filter((o) => o.status !== 201)).toEqual([]);
  });
});

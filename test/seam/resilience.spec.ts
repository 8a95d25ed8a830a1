import { type Cluster, startCluster } from '../support/cluster';
import { eventually } from '../support/test-app';

/**
 * A module host that hangs (SIGSTOP: connections open, nothing answers). Callers time out at
 * the deadline, then the circuit opens and they are turned away at once with a 503 and a
 * Retry-After; once the host is back, traffic recovers by itself after the half-open period.
 */
describe('the circuit breaker of a remote module', () => {
  let cluster: Cluster;
  const order = () => {
    const started = Date.now();
    return cluster
      .http('ordering')
      .post('/v1/orders')
      .send({ lines: [{ sku: 'CB-1', quantity: 1 }] })
      .then((response) => ({ response, elapsed: Date.now() - started }));
  };

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
    await order().then(({ response }) => expect(response.status).toBe(201));
    // let that order's events settle first: the relay's deliveries to inventory count too
    await eventually(
      async () => (await cluster.http('inventory').get('/v1/inventory/stock/CB-1').expect(200)).body,
      (stock: { onHand: number; reserved: number }) => stock.onHand === 99 && stock.reserved === 0,
    );
    cluster.host('inventory').child.kill('SIGSTOP');
    try {
      const timedOut: { status: number; code: string; quick: boolean }[] = [];
      for (let i = 0; i < 3; i++) {
        const { response, elapsed } = await order();
        timedOut.push({ status: response.status, code: response.body.code, quick: elapsed < 3000 });
      }
      // the deadline each time, never a hang
      expect(timedOut).toEqual(Array(3).fill({ status: 504, code: 'seam.timeout', quick: true }));
      const { response, elapsed } = await order();
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('2');
      expect(response.body).toMatchObject({ code: 'seam.unavailable', module: 'inventory', retryAfterSeconds: 2 });
      expect(response.body.detail).toMatch(/circuit breaker is open/);
      expect(elapsed).toBeLessThan(400); // turned away without waiting for the 600 ms deadline
      await cluster.http('catalog').get('/v1/catalog/products/CB-1').expect(200); // others keep serving
    } finally {
      cluster.host('inventory').child.kill('SIGCONT');
    }
    const recovered = await eventually(
      async () => (await order()).response.status,
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
    type Outcome = { status: number; retryAfter?: string; elapsed: number; at: number; detail?: string };
    const outcomes: Outcome[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        const started = Date.now();
        const response = await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'LOAD-1', quantity: 1 }] });
        outcomes.push({ status: response.status, retryAfter: response.headers['retry-after'], elapsed: Date.now() - started, at: Date.now(), detail: response.body.detail });
      }
    };
    const clients = Array.from({ length: 10 }, client);
    const phase = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await phase(700);
    const killedAt = Date.now();
    await cluster.host('inventory').stop('SIGKILL');
    await phase(1500);
    // catalog does not need inventory and keeps answering under the same load
    await cluster.http('catalog').get('/v1/catalog/products/LOAD-1').expect(200);
    const restartAt = Date.now();
    await cluster.startHost('inventory');
    const backAt = Date.now();
    await phase(HALF_OPEN_MS + 1500);
    running = false;
    await Promise.all(clients);

    expect(outcomes.length).toBeGreaterThan(20);
    // anything but 201 or 503 shows whole (with its problem detail) when this fails, with the
    // error lines of the inventory host (a 500 from there says "the log of that process has the details")
    const unexpected = outcomes.filter((outcome) => outcome.status !== 201 && outcome.status !== 503);
    const hostErrors = unexpected.length === 0 ? [] : cluster.host('inventory').logs().filter((line) => Number(line.level) >= 50);
    expect({ unexpected, hostErrors }).toEqual({ unexpected: [], hostErrors: [] });
    for (const outcome of outcomes) {
      expect([201, 503]).toContain(outcome.status);
      expect(outcome.elapsed).toBeLessThan(TIMEOUT_MS + 500); // never a hang
      if (outcome.status === 503) expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    const before = outcomes.filter((o) => o.at < killedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((o) => o.status === 201)).toBe(true);
    const whileDown = outcomes.filter((o) => o.at > killedAt + 300 && o.at < restartAt);
    const fastFails = whileDown.filter((o) => o.status === 503 && /circuit breaker is open/.test(o.detail ?? ''));
    expect(fastFails.length).toBeGreaterThan(0);
    expect(Math.max(...fastFails.map((o) => o.elapsed))).toBeLessThan(300);
    // recovered within the half-open period after the host was back (plus a margin for the probe call)
    const after = outcomes.filter((o) => o.at > backAt + HALF_OPEN_MS + 500);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((o) => o.status === 201)).toBe(true);
  });
});

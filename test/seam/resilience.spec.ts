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
      .send({ customerId: 'c', lines: [{ sku: 'CB-1', quantity: 1 }] })
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

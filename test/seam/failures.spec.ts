// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import { type Cluster, startCluster } from '../support/cluster';
import { startAppProcess } from '../support/processes';

describe('when a module host is down', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ remote: ['inventory'], monolithEnv: { SEAMS_TIMEOUT_MS: '10000' } });
    await cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'DOWN-1', name: 'D', priceMinor: 10, currency: 'EUR' }).expect(201);
    await cluster.http('inventory').put('/v1/inventory/stock/DOWN-1').send({ onHand: 10 }).expect(200);
  });

  afterAll(() => cluster?.close());

  it('answers callers at once with a 503 problem naming the module, and serves again once it is back', async () => {
    await cluster.host('inventory').stop('SIGKILL');

    const started = Date.now();
    const response = await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'DOWN-1', quantity: 1 }] });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ code: 'seam.unavailable', module: 'inventory', status: 503 });
    expect(response.body.detail).toMatch(/The inventory module is unavailable: .*ECONNREFUSED/);
    // refused connections fail fast: nowhere near the 10 s seam timeout of this monolith
    expect(elapsed).toBeLessThan(5000);

    // modules that do not need inventory keep serving
    await cluster.http('catalog').get('/v1/catalog/products/DOWN-1').expect(200);

    await cluster.startHost('inventory');
    await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'DOWN-1', quantity: 1 }] }).expect(201);
  });
});

describe('a message whose deadline passes', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ remote: ['inventory'], monolithEnv: { SEAMS_TIMEOUT_MS: '400' } });
    await cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'SLOW-1', name: 'S', priceMinor: 10, currency: 'EUR' }).expect(201);
    await cluster.http('inventory').put('/v1/inventory/stock/SLOW-1').send({ onHand: 10 }).expect(200);
  });

  afterAll(() => cluster?.close());

  it('gives the caller a 504, and the remote side rolls back the work it can no longer deliver', async () => {
    // Hold the stock row so the inventory host's reservation waits past the 400 ms deadline.
    const blocker = new Client({ connectionString: cluster.database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM inventory.stock_items WHERE sku = 'SLOW-1' FOR UPDATE`);
    try {
      const response = await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'SLOW-1', quantity: 3 }] });
      expect(response.status).toBe(504);
      expect(response.body).toMatchObject({ code: 'seam.timeout', status: 504 });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // Rolled back: past its deadline at commit, or, when the saga's compensating release got
    // there first, refused by the release's tombstone. Either way nothing is held.
    await cluster.host('inventory').waitForLog({ event: 'seam.handled', message: 'inventory.reserve-stock.v1', outcome: /^(seam\.timeout|inventory\.reservation-released)$/ });
    await cluster.http('inventory').get('/v1/inventory/stock/SLOW-1').expect(200, { sku: 'SLOW-1', onHand: 10, reserved: 0, available: 10 });
  });
});

describe('a process whose placement cannot work', () => {
  it('refuses to start a module host and names the missing setting', async () => {
    const host = startAppProcess({
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      SEAMS_HOST_MODULE: 'payments',
      SEAMS_PAYMENTS_URL: 'tcp://127.0.0.1:4999',
    });
    expect(await host.exited()).toBe(2); // a configuration problem (see src/host/startup)
    expect(host.output()).toMatch(
      /Cannot start as the payments host: missing SEAMS_ORDERING_URL \(ordering subscribes to payments\.payment-captured\.v1\)/,
    );
  });
});

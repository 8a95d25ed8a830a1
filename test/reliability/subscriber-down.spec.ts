// @uses-modules catalog, inventory, ordering, payments
import { type Cluster, startCluster } from '../support/cluster';
import { eventually } from '../support/test-app';

describe('a remote subscriber that is down', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({
      remote: ['payments'],
      // No rate limit: the test polls ten orders at a time until they change.
      monolithEnv: { SEAMS_RATE_LIMIT: '0', SEAMS_RELAY_POLL_MS: '200', SEAMS_RELAY_BACKOFF_MS: '100', SEAMS_RELAY_MAX_BACKOFF_MS: '500', SEAMS_RELAY_MAX_ATTEMPTS: '2' },
    });
    await cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'SUB-1', name: 'S', priceMinor: 300, currency: 'EUR' }).expect(201);
    await cluster.http('inventory').put('/v1/inventory/stock/SUB-1').send({ onHand: 100 }).expect(200);
  });

  afterAll(() => cluster?.close());

  it('leaves orders PENDING while payments is down (its deliveries wait past the attempts limit, never parked), and completes all of them once it is back, with no manual step', async () => {
    await cluster.host('payments').stop('SIGKILL');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'SUB-1', quantity: 1 }] }).expect(201);
      ids.push(response.body.id);
    }
    // The relay has tried each order's event on payments more often than SEAMS_RELAY_MAX_ATTEMPTS,
    // and each try failed: an unreachable subscriber is waited for, not parked.
    type Delivery = { subscriber: string; attempts: number; lastError: string | null; payload: { orderId: string } };
    const tried = (list: Delivery[]) =>
      ids.every((id) => list.some((d) => d.subscriber === 'payments' && d.payload.orderId === id && d.attempts >= 3 && d.lastError !== null));
    await eventually(async () => (await cluster.http('ordering').get('/v1/admin/events').query({ status: 'pending' }).expect(200)).body as Delivery[], tried, 30_000);
    const statuses = async () =>
      Promise.all(ids.map(async (id) => (await cluster.http('ordering').get(`/v1/orders/${id}`).expect(200)).body.status as string));
    expect(await statuses()).toEqual(Array(10).fill('PENDING'));
    const stats = (await cluster.http('ordering').get('/v1/admin/events/stats').expect(200)).body;
    expect(stats.find((s: { module: string }) => s.module === 'ordering')).toMatchObject({ depth: 10, parked: 0 });

    await cluster.startHost('payments');
    expect(await eventually(statuses, (list) => list.every((status) => status === 'CONFIRMED'), 30_000)).toEqual(Array(10).fill('CONFIRMED'));
    for (const id of ids) {
      const payments = (await cluster.http('payments').get('/v1/payments').query({ orderId: id }).expect(200)).body;
      expect(payments).toEqual([expect.objectContaining({ status: 'CAPTURED', amountMinor: 300 })]);
    }
    const stock = await eventually(
      async () => (await cluster.http('inventory').get('/v1/inventory/stock/SUB-1').expect(200)).body,
      (item: { reserved: number }) => item.reserved === 0,
    );
    expect(stock).toEqual({ sku: 'SUB-1', onHand: 90, reserved: 0, available: 90 });
  }, 60_000);
});

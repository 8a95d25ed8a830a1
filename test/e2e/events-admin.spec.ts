// @uses-modules catalog, inventory, ordering, payments
import { MANIFESTS } from '../../src/host/manifests';
import { MessageRegistry } from '@seams/kernel/seam';
import { eventually, startTestApp, type TestApp } from '../support/test-app';

describe('the events admin API', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(() => app?.close());

  it('lists no parked delivery when all went well, and reports outbox depth, lag and parked count per module', async () => {
    await app.http.get('/v1/admin/events?status=failed').expect(200, []);
    const stats = (await app.http.get('/v1/admin/events/stats').expect(200)).body;
    expect(stats.map((s: { module: string }) => s.module).sort()).toEqual(MANIFESTS.map((manifest) => manifest.name).sort());
    for (const entry of stats) expect(entry).toEqual({ module: expect.any(String), depth: 0, lagMs: 0, parked: 0 });
  });

  it('lists delivered events', async () => {
    await app.http.post('/v1/catalog/products').send({ sku: 'ADM-1', name: 'A', priceMinor: 5, currency: 'EUR' }).expect(201);
    await app.http.put('/v1/inventory/stock/ADM-1').send({ onHand: 5 }).expect(200);
    const order = (await app.http.post('/v1/orders').send({ lines: [{ sku: 'ADM-1', quantity: 1 }] }).expect(201)).body;
    // One delivery per event and subscribing module (every registered subscriber, src/host/manifests.ts).
    const registry = new MessageRegistry(MANIFESTS);
    const expected = ['ordering.order-confirmed.v1', 'ordering.order-placed.v1', 'payments.payment-captured.v1']
      .flatMap((wire) => registry.subscribersOf(wire).map(() => wire))
      .sort();
    const ofOrder = (list: { name: string; payload: { orderId: string } }[]) => list.filter((d) => d.payload.orderId === order.id);
    const delivered = await eventually(
      async () => (await app.http.get('/v1/admin/events?status=delivered').expect(200)).body as { name: string; payload: { orderId: string } }[],
      (list) => ofOrder(list).length >= expected.length,
    );
    expect(ofOrder(delivered).map((d) => d.name).sort()).toEqual(expected);
  });

  it('answers 404 for retrying a delivery that is not parked, and 400 for bad input', async () => {
    const missing = await app.http.post('/v1/admin/events/00000000-0000-4000-8000-000000000000/retry').expect(404);
    expect(missing.body).toMatchObject({ code: 'events.delivery-not-found' });
    const bad = await app.http.post('/v1/admin/events/nope/retry').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    await app.http.get('/v1/admin/events?status=lost').expect(400);
    await app.http.get('/v1/admin/events?limit=0').expect(400);
  });
});

// @uses-modules inventory, ordering
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EventDispatcher, RequestContexts, Seam } from '@seams/kernel/seam';
import { serviceSeam } from '@seams/kernel/testing';
import { ReleaseReservation, ReserveStock } from '../../modules/inventory/contract';
import { OrderConfirmed } from '../../modules/ordering/contract';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Inventory's answers to the saga's hard cases, on the real handlers and PostgreSQL:
 * - a compensating release that arrives before the reservation it undoes (the reservation was
 *   sent, timed out for the caller, and commits later) leaves a tombstone: the late reservation
 *   holds nothing, and says so (`inventory.reservation-released`). It once held the stock for ever.
 * - committing a reservation that holds nothing (released after an ambiguous commit of the order,
 *   which payment then confirmed) is a typed error, so the delivery fails and is parked for an
 *   operator; it was once skipped in silence: a paid order whose stock was never deducted.
 */
describe('late reservations and settlements of nothing', () => {
  let app: TestApp;
  let db: Client;
  let seam: Seam;
  const stock = async (sku: string) => (await app.http.get(`/v1/inventory/stock/${sku}`).expect(200)).body as { onHand: number; reserved: number };

  beforeAll(async () => {
    app = await startTestApp();
    seam = serviceSeam(app.app.get(Seam));
    await app.http.post('/v1/catalog/products').send({ sku: 'LATE-1', name: 'L', priceMinor: 10, currency: 'EUR' }).expect(201);
    await app.http.put('/v1/inventory/stock/LATE-1').send({ onHand: 10 }).expect(200);
    db = new Client({ connectionString: app.database.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('holds nothing for a reservation that arrives after the release of its order', async () => {
    const orderId = randomUUID();
    await seam.send(new ReleaseReservation(orderId));
    await expect(seam.send(new ReserveStock(orderId, [{ sku: 'LATE-1', quantity: 3 }]))).rejects.toMatchObject({ code: 'inventory.reservation-released' });
    expect(await stock('LATE-1')).toMatchObject({ onHand: 10, reserved: 0 });
    // Releasing again, or reserving again, changes nothing.
    await seam.send(new ReleaseReservation(orderId));
    await expect(seam.send(new ReserveStock(orderId, [{ sku: 'LATE-1', quantity: 3 }]))).rejects.toMatchObject({ code: 'inventory.reservation-released' });
    expect(await stock('LATE-1')).toMatchObject({ onHand: 10, reserved: 0 });
  });

  it('still releases a reservation made before the release', async () => {
    const orderId = randomUUID();
    await seam.send(new ReserveStock(orderId, [{ sku: 'LATE-1', quantity: 2 }]));
    expect(await stock('LATE-1')).toMatchObject({ reserved: 2 });
    await seam.send(new ReleaseReservation(orderId));
    expect(await stock('LATE-1')).toMatchObject({ onHand: 10, reserved: 0 });
  });

  it('refuses to commit a reservation that holds nothing, naming the order, and commits a held one once', async () => {
    const confirm = (orderId: string) =>
      RequestContexts.runAsService('relay', () => app.app.get(EventDispatcher).dispatchTo('inventory', OrderConfirmed.wire, new OrderConfirmed(orderId), randomUUID()));
    const released = randomUUID();
    await seam.send(new ReserveStock(released, [{ sku: 'LATE-1', quantity: 1 }]));
    await seam.send(new ReleaseReservation(released));
    await expect(confirm(released)).rejects.toMatchObject({ code: 'inventory.reservation-not-held', details: { orderId: released, status: 'RELEASED' } });
    const never = randomUUID();
    await expect(confirm(never)).rejects.toMatchObject({ code: 'inventory.reservation-not-held', details: { orderId: never, status: 'missing' } });
    expect(await stock('LATE-1')).toMatchObject({ onHand: 10, reserved: 0 });

    const held = randomUUID();
    await seam.send(new ReserveStock(held, [{ sku: 'LATE-1', quantity: 4 }]));
    await confirm(held);
    await confirm(held); // a redelivery: committed already, nothing more
    expect(await stock('LATE-1')).toMatchObject({ onHand: 6, reserved: 0 });
  });
});

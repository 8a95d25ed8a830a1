import { randomUUID } from 'node:crypto';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { GetOrder } from '../../modules/ordering/application/get-order/get-order.query';
import { PlaceOrder } from '../../modules/ordering/application/place-order/place-order.command';
import { orderingManifest } from '../../modules/ordering/ordering.manifest';
import { PaymentCaptured, PaymentDeclined } from '../../modules/payments/contract';
import { customerBearer } from '../support/auth';
import { FakeCatalog, FakeInventory } from '../support/fakes';
import { type ModuleHarness, startModuleHarness } from '../support/module-harness';
import { RequestContexts } from '@seams/kernel/context';

/**
 * Ordering alone: its own database, its real handlers and subscribers, and fakes in place of
 * catalog and inventory (whose behaviour the contract suites pin). Payments is not running:
 * its events are handed to ordering's subscribers directly.
 */
describe('ordering, isolated (fake catalog and inventory)', () => {
  let harness: ModuleHarness;
  const catalog = new FakeCatalog()
    .addProduct({ sku: 'ISO-TEA', name: 'Tea', priceMinor: 450, currency: 'EUR' })
    .addProduct({ sku: 'ISO-CUP', name: 'Cup', priceMinor: 1200, currency: 'EUR' })
    .addProduct({ sku: 'ISO-USD', name: 'Import', priceMinor: 100, currency: 'USD' });
  const inventory = new FakeInventory().setStock('ISO-TEA', 10).setStock('ISO-CUP', 1).setStock('ISO-USD', 5);

  // As an HTTP request does: for the customer, a signed-in user.
  const place = (customerId: string, lines: { sku: string; quantity: number }[]) =>
    RequestContexts.run({ correlationId: `place-${customerId}`, principal: { kind: 'user', subject: customerId, roles: ['customer'] } }, () =>
      harness.app.get(CommandBus).execute(new PlaceOrder(customerId, lines)),
    );
  const read = (orderId: string) => harness.app.get(QueryBus).execute(new GetOrder(orderId));
  const placedFor = async (customerId: string) =>
    (await harness.published('ordering.order-placed.v1')).filter((event) => event.payload.customerId === customerId);

  beforeAll(async () => {
    harness = await startModuleHarness({ module: orderingManifest, fakes: [catalog, inventory] });
  });
  afterAll(() => harness?.close());

  it('prices the order from the catalog, reserves its stock in inventory, and announces it', async () => {
    const order = await place('iso-1', [
      { sku: 'ISO-TEA', quantity: 2 },
      { sku: 'ISO-CUP', quantity: 1 },
    ]);

    expect(order).toMatchObject({ status: 'PENDING', totalMinor: 2100, currency: 'EUR', customerId: 'iso-1' });
    expect(inventory.reservation(order.id)).toEqual({
      lines: [
        { sku: 'ISO-TEA', quantity: 2 },
        { sku: 'ISO-CUP', quantity: 1 },
      ],
      status: 'HELD',
    });
    expect(inventory.stock('ISO-CUP')).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
    expect(await placedFor('iso-1')).toEqual([
      {
        wire: 'ordering.order-placed.v1',
        payload: {
          orderId: order.id,
          customerId: 'iso-1',
          totalMinor: 2100,
          currency: 'EUR',
          lines: [
            { sku: 'ISO-TEA', quantity: 2, unitPriceMinor: 450 },
            { sku: 'ISO-CUP', quantity: 1, unitPriceMinor: 1200 },
          ],
        },
      },
    ]);
    await expect(read(order.id)).resolves.toMatchObject({ id: order.id, status: 'PENDING' });
  });

  it('refuses skus the catalog does not know, and reserves nothing', async () => {
    const before = inventory.received.length;
    await expect(place('iso-2', [{ sku: 'ISO-NOPE', quantity: 1 }])).rejects.toMatchObject({
      code: 'ordering.unknown-products',
      details: { skus: ['ISO-NOPE'] },
    });
    expect(inventory.received.slice(before)).toEqual([]);
  });

  it('refuses lines priced in two currencies before asking for stock', async () => {
    const before = inventory.received.length;
    await expect(
      place('iso-3', [
        { sku: 'ISO-TEA', quantity: 1 },
        { sku: 'ISO-USD', quantity: 1 },
      ]),
    ).rejects.toMatchObject({ code: 'ordering.mixed-currencies' });
    expect(inventory.received.slice(before)).toEqual([]);
    expect(await placedFor('iso-3')).toEqual([]);
  });

  it("answers inventory's insufficient-stock conflict, stores no order and releases what may be held", async () => {
    await expect(place('iso-4', [{ sku: 'ISO-CUP', quantity: 5 }])).rejects.toMatchObject({
      code: 'inventory.insufficient-stock',
      kind: 'conflict',
      details: { sku: 'ISO-CUP', requested: 5, available: 0 },
    });
    expect(await placedFor('iso-4')).toEqual([]);
    expect(inventory.received.at(-1)).toMatchObject({ wire: 'inventory.release-reservation.v1' });
  });

  it('fails with seam.unavailable while inventory is down, and stores no order', async () => {
    inventory.goDown('inventory host stopped');
    try {
      await expect(place('iso-5', [{ sku: 'ISO-TEA', quantity: 1 }])).rejects.toMatchObject({
        code: 'seam.unavailable',
        details: { module: 'inventory' },
      });
    } finally {
      inventory.recover();
    }
    expect(await placedFor('iso-5')).toEqual([]);
    await expect(place('iso-5', [{ sku: 'ISO-TEA', quantity: 1 }])).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('confirms the order on payments.payment-captured.v1, and announces it once however often it is delivered', async () => {
    const order = await place('iso-6', [{ sku: 'ISO-TEA', quantity: 1 }]);
    const captured = new PaymentCaptured(randomUUID(), order.id, 450, 'EUR');

    const eventId = await harness.deliver(captured);
    await harness.deliver(captured, eventId); // a redelivery: the inbox makes it a no-op
    await harness.deliver(new PaymentCaptured(randomUUID(), order.id, 450, 'EUR')); // another event: the state makes it one

    await expect(read(order.id)).resolves.toMatchObject({ status: 'CONFIRMED' });
    const confirmed = await harness.published('ordering.order-confirmed.v1');
    expect(confirmed.filter((event) => event.payload.orderId === order.id)).toHaveLength(1);
  });

  it('cancels the order with the reason on payments.payment-declined.v1, and announces it', async () => {
    const order = await place('iso-7', [{ sku: 'ISO-TEA', quantity: 1 }]);
    await harness.deliver(new PaymentDeclined(randomUUID(), order.id, 450, 'EUR', 'card expired'));

    await expect(read(order.id)).resolves.toMatchObject({ status: 'CANCELLED', cancellationReason: 'payment declined: card expired' });
    expect(await harness.published('ordering.order-cancelled.v1')).toContainEqual({
      wire: 'ordering.order-cancelled.v1',
      payload: { orderId: order.id, reason: 'payment declined: card expired' },
    });
  });

  it('answers over HTTP as the app does: 201 with Location for an order, 409 problem for stock inventory does not have', async () => {
    const placed = await harness.http
      .post('/v1/orders')
      .set('authorization', customerBearer('iso-8'))
      .send({ lines: [{ sku: 'ISO-TEA', quantity: 1 }] })
      .expect(201);
    expect(placed.headers.location).toBe(`/v1/orders/${placed.body.id}`);
    expect(inventory.reservation(placed.body.id)).toMatchObject({ status: 'HELD' });

    const refused = await harness.http
      .post('/v1/orders')
      .set('authorization', customerBearer('iso-8'))
      .send({ lines: [{ sku: 'ISO-CUP', quantity: 9 }] })
      .expect(409);
    expect(refused.body).toMatchObject({ code: 'inventory.insufficient-stock', sku: 'ISO-CUP', requested: 9 });
    await harness.http.post('/v1/orders').send({ lines: [{ sku: 'ISO-TEA', quantity: 1 }] }).expect(401);
  });

  it('refuses to deliver an event that breaks its contract, as the receiving side of a seam would', async () => {
    await expect(harness.deliver(new PaymentCaptured('not-a-uuid', randomUUID(), 1, 'EUR'))).rejects.toMatchObject({
      code: 'seam.invalid-message',
    });
  });
});

describe('the module harness', () => {
  it('refuses to start a module whose calls no fake answers, naming the message', async () => {
    await expect(startModuleHarness({ module: orderingManifest, fakes: [new FakeCatalog()] })).rejects.toThrow(
      /^ordering sends inventory\.[a-z-]+\.v1, but no fake stands in for inventory$/,
    );
  });
});

// @uses-modules catalog, inventory, ordering, payments
import { MatchersV3 } from '@pact-foundation/pact';
import { QueryBus } from '@nestjs/cqrs';
import * as catalogContract from '../../modules/catalog/contract';
import * as inventoryContract from '../../modules/inventory/contract';
import { InventoryErrors } from '../../modules/inventory/contract';
import { GetOrder } from '../../modules/ordering/application/get-order/get-order.query';
import { orderingManifest } from '../../modules/ordering/ordering.manifest';
import { PaymentCaptured, PaymentDeclined } from '../../modules/payments/contract';
import { ScriptedModule, type SeamReplyContent } from '@seams/kernel/testing';
import { RequestContexts } from '@seams/kernel/context';
import { customerBearer } from '../support/auth';
import { eventOf, type ModuleHarness, startModuleHarness } from '../support/module-harness';
import { consumerPact, shapeIssues } from './pacts';

const { like, integer, uuid, eachLike, string, reify } = MatchersV3;

/**
 * What ordering relies on of catalog and inventory (the queries and commands its placing saga
 * sends, the answers and typed errors it handles) and of payments (the fields its subscribers
 * read), recorded as Pact V4 message pacts by running ordering's real code: the module with
 * its own database, its HTTP route and its subscribers, with Pact's example substituted at the
 * seam (`ScriptedModule` answers what the pact's response says). What ordering sent is checked
 * against the pact's request; the providers verify the pacts in providers.spec.ts.
 */
describe('ordering as a consumer (pacts with catalog, inventory and payments)', () => {
  const catalog = consumerPact('ordering', 'catalog');
  const inventory = consumerPact('ordering', 'inventory');
  const payments = consumerPact('ordering', 'payments');
  const scriptedCatalog = new ScriptedModule('catalog', catalogContract);
  const scriptedInventory = new ScriptedModule('inventory', inventoryContract);
  let harness: ModuleHarness;

  const TEA = { sku: 'TEA-1', name: 'Green tea', priceMinor: 450, currency: 'EUR' };
  const PRODUCTS = { message: 'catalog.get-products.v1', payload: { skus: eachLike('TEA-1') } };
  const PRICED: SeamReplyContent = { ok: true, value: [TEA] };
  const RESERVE = { message: 'inventory.reserve-stock.v1', payload: { orderId: uuid(), lines: eachLike({ sku: string('TEA-1'), quantity: integer(2) }) } };
  const DONE: SeamReplyContent = { ok: true, value: null };

  const json = (content: unknown) => JSON.parse(Buffer.isBuffer(content) ? content.toString('utf8') : JSON.stringify(content)) as { message: string; payload: unknown };
  const order = (quantity = 2) => harness.http.post('/v1/orders').set('authorization', customerBearer('pact-customer')).send({ lines: [{ sku: 'TEA-1', quantity }] });
  /** What ordering sent of `wire` last, and its issues against the pact's request. */
  const sentLast = (fake: ScriptedModule, wire: string, request: { payload: unknown }) => {
    const sent = fake.received.filter((message) => message.wire === wire).at(-1);
    expect(sent).toBeDefined();
    expect(shapeIssues(sent!.payload, request.payload)).toEqual([]);
    return sent!.payload as Record<string, unknown>;
  };

  beforeAll(async () => {
    harness = await startModuleHarness({ module: orderingManifest, fakes: [scriptedCatalog, scriptedInventory] });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('asks catalog for the prices of the products an order names', async () => {
    scriptedInventory.script('inventory.reserve-stock.v1', DONE);
    await catalog.pact
      .addSynchronousInteraction('the prices of the products an order names')
      .given('product TEA-1 is listed at 450 EUR')
      .withRequest((request) => request.withJSONContent(PRODUCTS))
      .withResponse((response) => response.withJSONContent({ ok: true, value: eachLike({ sku: string('TEA-1'), name: string('Green tea'), priceMinor: integer(450), currency: string('EUR') }) }))
      .executeTest(async (message) => {
        scriptedCatalog.script('catalog.get-products.v1', json(message.Response[0].content) as unknown as SeamReplyContent);
        const placed = await order().expect(201);
        expect(placed.body).toMatchObject({ totalMinor: 900, currency: 'EUR', status: 'PENDING' });
        sentLast(scriptedCatalog, 'catalog.get-products.v1', json(message.Request.content));
      });
    catalog.settle();
  });

  describe('with inventory', () => {
    beforeAll(() => scriptedCatalog.script('catalog.get-products.v1', PRICED));

    it('reserves an order’s stock', async () => {
      await inventory.pact
        .addSynchronousInteraction('a reservation of an order’s stock')
        .given('TEA-1 has 10 units on hand')
        .withRequest((request) => request.withJSONContent(RESERVE))
        .withResponse((response) => response.withJSONContent(DONE))
        .executeTest(async (message) => {
          scriptedInventory.script('inventory.reserve-stock.v1', json(message.Response[0].content) as unknown as SeamReplyContent);
          await order().expect(201);
          sentLast(scriptedInventory, 'inventory.reserve-stock.v1', json(message.Request.content));
        });
    });

    it('answers 409 when inventory refuses a reservation for want of stock, and releases what may be held', async () => {
      scriptedInventory.script('inventory.release-reservation.v1', DONE);
      await inventory.pact
        .addSynchronousInteraction('a reservation of more stock than there is')
        .given('TEA-1 has 1 unit on hand')
        .withRequest((request) => request.withJSONContent(RESERVE))
        .withResponse((response) =>
          response.withJSONContent({ ok: false, error: { code: InventoryErrors.insufficientStock, kind: 'conflict', details: { sku: string('TEA-1'), requested: integer(2), available: integer(1) } } }),
        )
        .executeTest(async (message) => {
          scriptedInventory.script('inventory.reserve-stock.v1', json(message.Response[0].content) as unknown as SeamReplyContent);
          const refused = await order().expect(409);
          expect(refused.body).toMatchObject({ code: InventoryErrors.insufficientStock });
          sentLast(scriptedInventory, 'inventory.reserve-stock.v1', json(message.Request.content));
        });
    });

    it('reserves an order’s stock with reserve-stock.v2 once told to (ORDERING_RESERVE_STOCK_VERSION=v2): pending until every inventory serves v2', async () => {
      const v2 = await startModuleHarness({ module: orderingManifest, fakes: [scriptedCatalog, scriptedInventory], settings: { ORDERING_RESERVE_STOCK_VERSION: 'v2' } });
      try {
        await inventory.pact
          .addSynchronousInteraction('a reservation of an order’s stock, as reserve-stock.v2')
          // Expand, then contract: ordering may send v2 only once inventory N-1 (which knows only v1) is gone.
          .pending(true)
          .given('TEA-1 has 10 units on hand')
          .withRequest((request) => request.withJSONContent({ message: 'inventory.reserve-stock.v2', payload: { orderId: uuid(), items: eachLike({ sku: string('TEA-1'), quantity: integer(2) }) } }))
          .withResponse((response) => response.withJSONContent(DONE))
          .executeTest(async (message) => {
            scriptedInventory.script('inventory.reserve-stock.v2', json(message.Response[0].content) as unknown as SeamReplyContent);
            await v2.http.post('/v1/orders').set('authorization', customerBearer('pact-customer')).send({ lines: [{ sku: 'TEA-1', quantity: 2 }] }).expect(201);
            sentLast(scriptedInventory, 'inventory.reserve-stock.v2', json(message.Request.content));
          });
      } finally {
        await v2.close();
      }
    });

    it('releases the stock of an order it could not place', async () => {
      await inventory.pact
        .addSynchronousInteraction('a release of an order’s stock')
        .given('an order holds 2 units of TEA-1', { orderId: 'e2490de5-5bd3-43d5-b7c4-526e33f71304' })
        .withRequest((request) => request.withJSONContent({ message: 'inventory.release-reservation.v1', payload: { orderId: uuid('e2490de5-5bd3-43d5-b7c4-526e33f71304') } }))
        .withResponse((response) => response.withJSONContent(DONE))
        .executeTest(async (message) => {
          scriptedInventory.script('inventory.release-reservation.v1', json(message.Response[0].content) as unknown as SeamReplyContent);
          // The reservation is refused after it may have been held (a timeout): ordering releases it.
          scriptedInventory.script('inventory.reserve-stock.v1', { ok: false, error: { code: 'seam.timeout', kind: 'timeout', details: {} } });
          await order().expect(504);
          const reserved = sentLast(scriptedInventory, 'inventory.reserve-stock.v1', reify(RESERVE) as { payload: unknown });
          const released = sentLast(scriptedInventory, 'inventory.release-reservation.v1', json(message.Request.content));
          expect(released.orderId).toBe(reserved.orderId);
        });
      inventory.settle();
    });
  });

  describe('with payments (the events its subscribers read)', () => {
    let orderId: string;
    const status = () => RequestContexts.runAsService('test', () => harness.app.get(QueryBus).execute(new GetOrder(orderId)));

    beforeEach(async () => {
      scriptedCatalog.script('catalog.get-products.v1', PRICED);
      scriptedInventory.script('inventory.reserve-stock.v1', DONE);
      orderId = ((await order().expect(201)).body as { id: string }).id;
    });

    it('confirms an order whose payment was captured', async () => {
      await payments.pact
        .addAsynchronousInteraction()
        .given('an order of 900 EUR was placed')
        .expectsToReceive('a captured payment', (event) =>
          event.withJSONContent({ paymentId: uuid(), orderId: uuid(), amountMinor: integer(900), currency: string('EUR') }).withMetadata({ message: PaymentCaptured.wire }),
        )
        .executeTest(async (message) => {
          // Any uuid matches the pact's orderId: the one of an order ordering holds.
          await harness.deliver(eventOf(PaymentCaptured, { ...(message.contents.content as unknown as PaymentCaptured), orderId }));
          expect(await status()).toMatchObject({ id: orderId, status: 'CONFIRMED' });
        });
    });

    it('cancels an order whose payment was declined, with the reason', async () => {
      await payments.pact
        .addAsynchronousInteraction()
        .given('an order of 900 EUR was placed, over the payments limit')
        .expectsToReceive('a declined payment', (event) =>
          event
            .withJSONContent({ paymentId: uuid(), orderId: uuid(), amountMinor: integer(900), currency: string('EUR'), reason: like('amount over the limit') })
            .withMetadata({ message: PaymentDeclined.wire }),
        )
        .executeTest(async (message) => {
          await harness.deliver(eventOf(PaymentDeclined, { ...(message.contents.content as unknown as PaymentDeclined), orderId }));
          expect(await status()).toMatchObject({ id: orderId, status: 'CANCELLED' });
        });
      payments.settle();
    });
  });
});

// @uses-modules inventory, ordering
import { randomUUID } from 'node:crypto';
import { MatchersV3 } from '@pact-foundation/pact';
import { inventoryManifest } from '../../modules/inventory/inventory.manifest';
import { ReserveStock } from '../../modules/inventory/contract';
import { OrderCancelled, OrderConfirmed } from '../../modules/ordering/contract';
import { adminBearer } from '../support/auth';
import { eventOf, type ModuleHarness, startModuleHarness } from '../support/module-harness';
import { consumerPact } from './pacts';

const { like, uuid } = MatchersV3;

/**
 * What inventory relies on of ordering: the order id of a confirmed or cancelled order, whose
 * reservation its subscribers commit or release. Run through inventory's real subscribers and
 * database: a reservation is made first through inventory's own command, then Pact's example
 * (with that order's id: any uuid matches) is delivered as the relay would.
 */
describe('inventory as a consumer (pact with ordering)', () => {
  const ordering = consumerPact('inventory', 'ordering');
  let harness: ModuleHarness;
  let orderId: string;
  const stock = async () => (await harness.http.get('/v1/inventory/stock/TEA-1').set('authorization', adminBearer()).expect(200)).body as { onHand: number; reserved: number };

  beforeAll(async () => {
    harness = await startModuleHarness({ module: inventoryManifest });
  });
  afterAll(() => harness?.close());

  beforeEach(async () => {
    await harness.http.put('/v1/inventory/stock/TEA-1').set('authorization', adminBearer()).send({ onHand: 10 }).expect(200);
    orderId = randomUUID();
    await harness.seam.send(new ReserveStock(orderId, [{ sku: 'TEA-1', quantity: 2 }]));
  });

  it('commits the reservation of a confirmed order', async () => {
    await ordering.pact
      .addAsynchronousInteraction()
      .given('an order of 2 x TEA-1 was paid')
      .expectsToReceive('an order confirmed', (event) => event.withJSONContent({ orderId: uuid() }).withMetadata({ message: OrderConfirmed.wire }))
      .executeTest(async (message) => {
        await harness.deliver(eventOf(OrderConfirmed, { ...(message.contents.content as unknown as OrderConfirmed), orderId }));
        expect(await stock()).toMatchObject({ onHand: 8, reserved: 0 });
      });
  });

  it('releases the reservation of a cancelled order', async () => {
    await ordering.pact
      .addAsynchronousInteraction()
      .given('an order of 2 x TEA-1 had its payment declined')
      .expectsToReceive('an order cancelled', (event) => event.withJSONContent({ orderId: uuid(), reason: like('payment declined') }).withMetadata({ message: OrderCancelled.wire }))
      .executeTest(async (message) => {
        await harness.deliver(eventOf(OrderCancelled, { ...(message.contents.content as unknown as OrderCancelled), orderId }));
        expect(await stock()).toMatchObject({ onHand: 10, reserved: 0 });
      });
    ordering.settle();
  });
});

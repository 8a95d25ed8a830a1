// @uses-modules ordering, payments
import { MatchersV3 } from '@pact-foundation/pact';
import { OrderPlaced } from '../../modules/ordering/contract';
import { paymentsManifest } from '../../modules/payments/payments.manifest';
import { eventOf, type ModuleHarness, startModuleHarness } from '../support/module-harness';
import { consumerPact } from './pacts';

const { integer, uuid, eachLike, string } = MatchersV3;

/**
 * What payments relies on of ordering: the placed order its subscriber charges (orderId,
 * totalMinor, currency; the rest must be there for the event to fit its contract at all). Run
 * through payments' real subscriber and database with Pact's example delivered as the relay
 * would; payments' own settings decline over 500.
 */
describe('payments as a consumer (pact with ordering)', () => {
  const ordering = consumerPact('payments', 'ordering');
  let harness: ModuleHarness;
  const placed = (totalMinor: number) => ({
    orderId: uuid(),
    customerId: string('customer-1'),
    totalMinor: integer(totalMinor),
    currency: string('EUR'),
    lines: eachLike({ sku: string('TEA-1'), quantity: integer(2), unitPriceMinor: integer(totalMinor / 2) }),
  });

  beforeAll(async () => {
    harness = await startModuleHarness({ module: paymentsManifest, settings: { PAYMENTS_DECLINE_ABOVE_MINOR: '500' } });
  });
  afterAll(() => harness?.close());

  it('charges a placed order and announces the captured payment', async () => {
    await ordering.pact
      .addAsynchronousInteraction()
      .given('an order of 2 x TEA-1 at 200 EUR can be placed')
      .expectsToReceive('an order placed', (event) => event.withJSONContent(placed(400)).withMetadata({ message: OrderPlaced.wire }))
      .executeTest(async (message) => {
        const event = message.contents.content as unknown as OrderPlaced;
        await harness.deliver(eventOf(OrderPlaced, event));
        expect(await harness.published('payments.payment-captured.v1')).toEqual([
          { wire: 'payments.payment-captured.v1', payload: { paymentId: expect.any(String), orderId: event.orderId, amountMinor: 400, currency: 'EUR' } },
        ]);
      });
    ordering.settle();
  });
});

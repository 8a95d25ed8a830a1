import { randomUUID } from 'node:crypto';
import { OrderPlaced } from '../../modules/ordering/contract';
import { paymentsManifest } from '../../modules/payments/payments.manifest';
import { type ModuleHarness, startModuleHarness } from '../support/module-harness';

/**
 * Payments alone, configured through its own settings (declared in payments.settings.ts and
 * given to the harness as the host would read them): nothing reads the environment.
 */
describe('payments, isolated, with its own settings', () => {
  let harness: ModuleHarness;
  const placed = (totalMinor: number) => new OrderPlaced(randomUUID(), 'iso-pay', totalMinor, 'EUR', [{ sku: 'ISO-TEA', quantity: 1, unitPriceMinor: totalMinor }]);

  beforeAll(async () => {
    harness = await startModuleHarness({ module: paymentsManifest, settings: { PAYMENTS_DECLINE_ABOVE_MINOR: '500' } });
  });
  afterAll(() => harness?.close());

  it('declines above the limit its setting gives, and captures up to it', async () => {
    const over = placed(501);
    const within = placed(500);
    await harness.deliver(over);
    await harness.deliver(within);

    const declined = await harness.published('payments.payment-declined.v1');
    const captured = await harness.published('payments.payment-captured.v1');
    expect(declined.map((event) => event.payload)).toEqual([expect.objectContaining({ orderId: over.orderId, reason: 'amount 501 is above the limit of 500' })]);
    expect(captured.map((event) => event.payload)).toEqual([expect.objectContaining({ orderId: within.orderId })]);
  });

  it('refuses to start with a bad value, in one line naming the setting', async () => {
    await expect(startModuleHarness({ module: paymentsManifest, settings: { PAYMENTS_DECLINE_ABOVE_MINOR: 'lots' } })).rejects.toThrow(
      /^PAYMENTS_DECLINE_ABOVE_MINOR="lots" is refused: /,
    );
  });
});

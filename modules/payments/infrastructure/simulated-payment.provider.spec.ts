import { Payment } from '../domain/payment';
import { readModuleSettings } from '@seams/kernel/seam';
import { paymentsSettings } from '../payments.settings';
import { SimulatedPaymentProvider } from './simulated-payment.provider';

/** The provider as the host builds it from the environment `env` (the host reads it; the module never does). */
const fromEnvironment = (env: Record<string, string>) => {
  const { values, errors } = readModuleSettings(paymentsSettings, (name) => env[name]);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return SimulatedPaymentProvider.from(values);
};

describe('SimulatedPaymentProvider', () => {
  const charge = (provider: SimulatedPaymentProvider, amountMinor: number) =>
    provider.charge({ amountMinor, currency: 'EUR', idempotencyKey: 'order-1' });

  it('approves amounts up to the limit and declines anything above it', async () => {
    const provider = new SimulatedPaymentProvider(1000);
    await expect(charge(provider, 1000)).resolves.toEqual({ approved: true });
    await expect(charge(provider, 1001)).resolves.toEqual({
      approved: false,
      reason: 'amount 1001 is above the limit of 1000',
    });
  });

  it('declines above 100000 minor units by default', () => {
    expect(fromEnvironment({}).declineAboveMinor).toBe(100_000);
  });

  it('takes its limit from PAYMENTS_DECLINE_ABOVE_MINOR', () => {
    expect(fromEnvironment({ PAYMENTS_DECLINE_ABOVE_MINOR: '500' }).declineAboveMinor).toBe(500);
  });

  it('declines with the reason PAYMENTS_DECLINE_REASON gives, when it gives one', async () => {
    const provider = fromEnvironment({ PAYMENTS_DECLINE_ABOVE_MINOR: '10', PAYMENTS_DECLINE_REASON: 'card stolen' });
    await expect(charge(provider, 11)).resolves.toEqual({ approved: false, reason: 'card stolen' });
    await expect(charge(provider, 10)).resolves.toEqual({ approved: true });
  });

  it.each(['-1', 'ten', '1.5'])('refuses to start with PAYMENTS_DECLINE_ABOVE_MINOR=%s', (raw) => {
    expect(() => fromEnvironment({ PAYMENTS_DECLINE_ABOVE_MINOR: raw })).toThrow(
      /^PAYMENTS_DECLINE_ABOVE_MINOR=".*" is refused: .*a whole number/,
    );
  });

  it('keeps a decline reason longer than payments.payment-declined.v1 allows cut to its 200 characters', () => {
    const input = { id: 'p', orderId: 'o', amountMinor: 5, currency: 'EUR' };
    const { declineReason } = Payment.fromOutcome(input, { approved: false, reason: 'r'.repeat(250) }).props;
    expect(declineReason).toBe(`${'r'.repeat(199)}…`);
  });

  it('turns an outcome into a CAPTURED or DECLINED payment', () => {
    const input = { id: 'p', orderId: 'o', amountMinor: 5, currency: 'EUR' };
    expect(Payment.fromOutcome(input, { approved: true }).props).toMatchObject({ status: 'CAPTURED', declineReason: null });
    expect(Payment.fromOutcome(input, { approved: false, reason: 'no' }).props).toMatchObject({
      status: 'DECLINED',
      declineReason: 'no',
    });
  });
});

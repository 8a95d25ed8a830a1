import type { PaymentsSettings } from '../payments.settings';
import type { ChargeOutcome, ChargeRequest, PaymentProvider } from '../domain/payment';
import { RequestContexts } from '@seams/kernel/context';

/**
 * A stand-in for a real payment provider that lets the unhappy path be driven on purpose:
 * it declines any amount above a limit (`PAYMENTS_DECLINE_ABOVE_MINOR`, default 100000 minor
 * units) and approves the rest. A decline's reason says why (`amount … is above the limit of
 * …`), unless `PAYMENTS_DECLINE_REASON` gives the text to answer with instead: real providers
 * answer with reasons of any length, and this is how a test drives a long one through the flow.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  constructor(
    readonly declineAboveMinor: number,
    readonly declineReason?: string,
  ) {}

  static from(settings: PaymentsSettings): SimulatedPaymentProvider {
    return new SimulatedPaymentProvider(settings.declineAboveMinor, settings.declineReason || undefined);
  }

  async charge({ amountMinor }: ChargeRequest): Promise<ChargeOutcome> {
    // A real provider's charge cannot be rolled back with the transaction around it: say so,
    // and the kernel will not run that transaction again after a conflict.
    RequestContexts.sideEffect('payments provider charge');
    return amountMinor > this.declineAboveMinor
      ? { approved: false, reason: this.declineReason ?? `amount ${amountMinor} is above the limit of ${this.declineAboveMinor}` }
      : { approved: true };
  }
}

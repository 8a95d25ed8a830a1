import type { ChargeOutcome, ChargeRequest, PaymentProvider } from '../domain/payment';

export const DEFAULT_DECLINE_ABOVE_MINOR = 100_000;

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

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): SimulatedPaymentProvider {
    const raw = env.PAYMENTS_DECLINE_ABOVE_MINOR;
    const reason = env.PAYMENTS_DECLINE_REASON || undefined;
    if (raw === undefined || raw === '') return new SimulatedPaymentProvider(DEFAULT_DECLINE_ABOVE_MINOR, reason);
    const limit = Number(raw);
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new Error(`PAYMENTS_DECLINE_ABOVE_MINOR must be a whole number of minor units, not "${raw}"`);
    }
    return new SimulatedPaymentProvider(limit, reason);
  }

  async charge({ amountMinor }: ChargeRequest): Promise<ChargeOutcome> {
    return amountMinor > this.declineAboveMinor
      ? { approved: false, reason: this.declineReason ?? `amount ${amountMinor} is above the limit of ${this.declineAboveMinor}` }
      : { approved: true };
  }
}

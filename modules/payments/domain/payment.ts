import { cutToLength } from '@seams/kernel/primitives';
import { PAYMENT_DECLINE_REASON_MAX_LENGTH } from '../contract';

export type PaymentStatus = 'CAPTURED' | 'DECLINED';

export interface PaymentProps {
  readonly id: string;
  readonly orderId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly declineReason: string | null;
}

/** What the payment provider answered for one charge. */
export type ChargeOutcome = { readonly approved: true } | { readonly approved: false; readonly reason: string };

export interface ChargeRequest {
  readonly amountMinor: number;
  readonly currency: string;
  /** Makes a retried charge a no-op at the provider. */
  readonly idempotencyKey: string;
}

/** The port to whoever moves the money. */
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
}

/** One payment attempt for an order. There is at most one per order: never charged twice. */
export class Payment {
  private constructor(readonly props: PaymentProps) {}

  static fromOutcome(
    input: { id: string; orderId: string; amountMinor: number; currency: string },
    outcome: ChargeOutcome,
  ): Payment {
    return new Payment({
      ...input,
      status: outcome.approved ? 'CAPTURED' : 'DECLINED',
      // A provider may explain at any length; the payment keeps (and announces) what the contract carries.
      declineReason: outcome.approved ? null : cutToLength(outcome.reason, PAYMENT_DECLINE_REASON_MAX_LENGTH),
    });
  }

  static restore(props: PaymentProps): Payment {
    return new Payment(props);
  }

  get captured(): boolean {
    return this.props.status === 'CAPTURED';
  }
}

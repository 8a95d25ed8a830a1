import { IntegrationEvent } from '../../../src/kernel/primitives';

/** The order's amount was charged. */
export class PaymentCaptured extends IntegrationEvent {
  static readonly wire = 'payments.payment-captured.v1';

  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly amountMinor: number,
    readonly currency: string,
  ) {
    super();
  }
}

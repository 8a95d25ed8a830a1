import { IntegrationEvent } from '../../../src/kernel/primitives';

/** The provider refused to charge the order's amount. */
export class PaymentDeclined extends IntegrationEvent {
  static readonly wire = 'payments.payment-declined.v1';

  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly amountMinor: number,
    readonly currency: string,
    readonly reason: string,
  ) {
    super();
  }
}

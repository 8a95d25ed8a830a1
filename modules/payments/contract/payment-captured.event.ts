import { field, IntegrationEvent } from '@seams/kernel/primitives';

/** The order's amount was charged. */
export class PaymentCaptured extends IntegrationEvent {
  static readonly wire = 'payments.payment-captured.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = field.object({
    paymentId: field.uuid(),
    orderId: field.uuid(),
    amountMinor: field.int({ min: 0 }),
    currency: field.string({ pattern: /^[A-Z]{3}$/ }),
  });

  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly amountMinor: number,
    readonly currency: string,
  ) {
    super();
  }
}

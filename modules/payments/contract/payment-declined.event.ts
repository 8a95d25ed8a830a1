import { field, IntegrationEvent } from '@seams/kernel/primitives';

/**
 * The longest decline reason `payments.payment-declined.v1` carries. Whoever stores a reason
 * sizes its column from this (and declares it with `@StoresContractField`).
 */
export const PAYMENT_DECLINE_REASON_MAX_LENGTH = 200;

/** The provider refused to charge the order's amount. */
export class PaymentDeclined extends IntegrationEvent {
  static readonly wire = 'payments.payment-declined.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = field.object({
    paymentId: field.uuid(),
    orderId: field.uuid(),
    amountMinor: field.int({ min: 0 }),
    currency: field.string({ pattern: /^[A-Z]{3}$/ }),
    reason: field.string({ maxLength: PAYMENT_DECLINE_REASON_MAX_LENGTH }),
  });

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

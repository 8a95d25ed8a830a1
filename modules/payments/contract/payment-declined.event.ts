import { type Infer, IntegrationEvent, z } from '@seams/kernel/primitives';
import { currencyCode } from '../../catalog/contract';

/**
 * The longest decline reason `payments.payment-declined.v1` carries. Whoever stores a reason
 * sizes its column from this (and declares it with `@StoresContractField`).
 */
export const PAYMENT_DECLINE_REASON_MAX_LENGTH = 200;

const payload = z.object({
  paymentId: z.guid(),
  orderId: z.guid(),
  amountMinor: z.int().min(0),
  currency: currencyCode,
  reason: z.string().max(PAYMENT_DECLINE_REASON_MAX_LENGTH),
});

/** The provider refused to charge the order's amount. */
export class PaymentDeclined extends IntegrationEvent implements Infer<typeof payload> {
  static readonly wire = 'payments.payment-declined.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = payload;

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

import { type Infer, IntegrationEvent, z } from '@seams/kernel/primitives';
import { currencyCode } from '../../catalog/contract';

const payload = z.object({
  paymentId: z.guid(),
  orderId: z.guid(),
  amountMinor: z.int().min(0),
  currency: currencyCode,
});

/** The order's amount was charged. */
export class PaymentCaptured extends IntegrationEvent implements Infer<typeof payload> {
  static readonly wire = 'payments.payment-captured.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = payload;

  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly amountMinor: number,
    readonly currency: string,
  ) {
    super();
  }
}

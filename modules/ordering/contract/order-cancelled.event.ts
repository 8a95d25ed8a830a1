import { type Infer, IntegrationEvent, z } from '@seams/kernel/primitives';

/** The longest reason `ordering.order-cancelled.v1` carries; a longer one is cut to it (`cutToLength`). */
export const ORDER_CANCELLED_REASON_MAX_LENGTH = 200;

const payload = z.object({ orderId: z.guid(), reason: z.string().max(ORDER_CANCELLED_REASON_MAX_LENGTH) });

/** The order will not be fulfilled (e.g. its payment was declined); its stock goes back. */
export class OrderCancelled extends IntegrationEvent implements Infer<typeof payload> {
  static readonly wire = 'ordering.order-cancelled.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = payload;

  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {
    super();
  }
}

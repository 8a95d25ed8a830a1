import { type Infer, IntegrationEvent, z } from '@seams/kernel/primitives';

const payload = z.object({ orderId: z.guid() });

/** The order was paid; its reserved stock ships. */
export class OrderConfirmed extends IntegrationEvent implements Infer<typeof payload> {
  static readonly wire = 'ordering.order-confirmed.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = payload;

  constructor(readonly orderId: string) {
    super();
  }
}

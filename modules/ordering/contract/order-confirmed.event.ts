import { field, IntegrationEvent } from '@seams/kernel/primitives';

/** The order was paid; its reserved stock ships. */
export class OrderConfirmed extends IntegrationEvent {
  static readonly wire = 'ordering.order-confirmed.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = field.object({ orderId: field.uuid() });

  constructor(readonly orderId: string) {
    super();
  }
}

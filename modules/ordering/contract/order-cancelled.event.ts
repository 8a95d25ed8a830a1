import { field, IntegrationEvent } from '../../../src/kernel/primitives';

/** The order will not be fulfilled (e.g. its payment was declined); its stock goes back. */
export class OrderCancelled extends IntegrationEvent {
  static readonly wire = 'ordering.order-cancelled.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = field.object({ orderId: field.uuid(), reason: field.string({ maxLength: 200 }) });

  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {
    super();
  }
}

import { IntegrationEvent } from '../../../src/kernel/primitives';

/** The order was paid; its reserved stock ships. */
export class OrderConfirmed extends IntegrationEvent {
  static readonly wire = 'ordering.order-confirmed.v1';

  constructor(readonly orderId: string) {
    super();
  }
}

import { IntegrationEvent } from '../../../src/kernel/primitives';

export interface PlacedOrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

/** An order was accepted: its stock is reserved and it waits for payment. */
export class OrderPlaced extends IntegrationEvent {
  static readonly wire = 'ordering.order-placed.v1';

  constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly totalMinor: number,
    readonly currency: string,
    readonly lines: readonly PlacedOrderLine[],
  ) {
    super();
  }
}

import { field, IntegrationEvent } from '@seams/kernel/primitives';

export interface PlacedOrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

/** An order was accepted: its stock is reserved and it waits for payment. */
export class OrderPlaced extends IntegrationEvent {
  static readonly wire = 'ordering.order-placed.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = field.object({
    orderId: field.uuid(),
    customerId: field.string({ minLength: 1, maxLength: 64 }),
    totalMinor: field.int({ min: 0 }),
    currency: field.string({ pattern: /^[A-Z]{3}$/ }),
    lines: field.array(
      field.object({ sku: field.string({ pattern: /^[A-Z0-9][A-Z0-9-]{0,63}$/ }), quantity: field.int({ min: 1 }), unitPriceMinor: field.int({ min: 0 }) }),
      { minItems: 1, maxItems: 100 },
    ),
  });

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

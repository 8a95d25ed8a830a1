import { Command, field } from '@seams/kernel/primitives';

export interface StockLine {
  readonly sku: string;
  readonly quantity: number;
}

/**
 * Holds stock for an order, all lines or none. Idempotent per order: reserving again for an
 * order that already holds a reservation changes nothing.
 *
 * Fails with `inventory.insufficient-stock` (a conflict) when a line cannot be covered.
 */
export class ReserveStock extends Command<void> {
  static readonly wire = 'inventory.reserve-stock.v1';
  /** Idempotent per order, so the seam may retry it when inventory was unreachable. */
  static readonly idempotencyKey = 'orderId';
  static readonly schema = field.object({
    orderId: field.uuid(),
    lines: field.array(
      field.object({ sku: field.string({ pattern: /^[A-Z0-9][A-Z0-9-]{0,63}$/ }), quantity: field.int({ min: 1, max: 2_147_483_647 }) }),
      { minItems: 1, maxItems: 100 },
    ),
  });

  constructor(
    readonly orderId: string,
    readonly lines: readonly StockLine[],
  ) {
    super();
  }
}

import { Command } from '../../../src/kernel/primitives';

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

  constructor(
    readonly orderId: string,
    readonly lines: readonly StockLine[],
  ) {
    super();
  }
}

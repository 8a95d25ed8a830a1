import { Command, type Infer, nothing, z } from '@seams/kernel/primitives';
import { sku } from '../../catalog/contract';

/** The largest quantity a line may hold (PostgreSQL `integer`). */
export const MAX_LINE_QUANTITY = 2_147_483_647;

const stockLine = z.object({ sku, quantity: z.int().min(1).max(MAX_LINE_QUANTITY) });
export type StockLine = Infer<typeof stockLine>;

const payload = z.object({
  orderId: z.guid(),
  lines: z.array(stockLine).min(1).max(100),
});

/**
 * Holds stock for an order, all lines or none. Idempotent per order: reserving again for an
 * order that already holds a reservation changes nothing.
 *
 * Fails with `inventory.insufficient-stock` (a conflict) when a line cannot be covered.
 */
export class ReserveStock extends Command<void> implements Infer<typeof payload> {
  static readonly wire = 'inventory.reserve-stock.v1';
  /** Idempotent per order, so the seam may retry it when inventory was unreachable. */
  static readonly idempotencyKey = 'orderId';
  static readonly schema = payload;
  /** It answers nothing. */
  static readonly answer = nothing;

  constructor(
    readonly orderId: string,
    readonly lines: readonly StockLine[],
  ) {
    super();
  }
}

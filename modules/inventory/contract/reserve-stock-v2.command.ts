import { Command, type Infer, nothing, z } from '@seams/kernel/primitives';
import { sku } from '../../catalog/contract';
import { MAX_LINE_QUANTITY } from './reserve-stock.command';

const stockItem = z.object({ sku, quantity: z.int().min(1).max(MAX_LINE_QUANTITY) });
export type StockItem = Infer<typeof stockItem>;

const payload = z.object({
  orderId: z.guid(),
  items: z.array(stockItem).min(1).max(100),
});

/**
 * Holds stock for an order, all items or none: `inventory.reserve-stock.v1` with its lines
 * renamed `items` (a breaking change, so a new version beside v1: README, "Deploying one module
 * on its own"). Inventory serves both while callers move; a caller picks the version it sends
 * by its own setting (ordering: `ORDERING_RESERVE_STOCK_VERSION`). v1 goes once no consumer's
 * committed pact uses it (contracts:check and deploy:check refuse it before).
 *
 * Fails with `inventory.insufficient-stock` (a conflict) when an item cannot be covered.
 */
export class ReserveStockV2 extends Command<void> implements Infer<typeof payload> {
  static readonly wire = 'inventory.reserve-stock.v2';
  /** Idempotent per order, so the seam may retry it when inventory was unreachable. */
  static readonly idempotencyKey = 'orderId';
  static readonly schema = payload;
  /** It answers nothing. */
  static readonly answer = nothing;

  constructor(
    readonly orderId: string,
    readonly items: readonly StockItem[],
  ) {
    super();
  }
}

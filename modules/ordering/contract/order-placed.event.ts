import { type Infer, IntegrationEvent, z } from '@seams/kernel/primitives';
import { currencyCode, sku } from '../../catalog/contract';

const placedOrderLine = z.object({ sku, quantity: z.int().min(1), unitPriceMinor: z.int().min(0) });
export type PlacedOrderLine = Infer<typeof placedOrderLine>;

const payload = z.object({
  orderId: z.guid(),
  customerId: z.string().min(1).max(64),
  totalMinor: z.int().min(0),
  currency: currencyCode,
  lines: z.array(placedOrderLine).min(1).max(100),
});

/** An order was accepted: its stock is reserved and it waits for payment. */
export class OrderPlaced extends IntegrationEvent implements Infer<typeof payload> {
  static readonly wire = 'ordering.order-placed.v1';
  /** Events of one order reach each subscriber in the order they were published. */
  static readonly aggregate = 'orderId';
  static readonly schema = payload;

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

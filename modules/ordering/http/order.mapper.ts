import type { OrderView } from '../application/ports/order-reads';
import type { OrderLine, OrderProps } from '../domain/order';
import type { OrderBody, OrderV2Body, PlacedOrderBody } from './order.dto';

/**
 * From ordering's answers to HTTP bodies. Every field is named: what the order or its row
 * carries beyond the documented response never reaches a client.
 */
export const OrderResponseMapper = {
  placed(order: OrderProps): PlacedOrderBody {
    return { id: order.id, status: order.status, totalMinor: order.totalMinor, currency: order.currency };
  },

  v1(order: OrderView): OrderBody {
    return {
      id: order.id,
      status: order.status,
      totalMinor: order.totalMinor,
      currency: order.currency,
      customerId: order.customerId,
      lines: order.lines.map(lineOf),
      cancellationReason: order.cancellationReason,
      createdAt: order.createdAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
    };
  },

  /** What v1 says, plus each line's total and the item count. */
  v2(order: OrderView): OrderV2Body {
    return {
      ...OrderResponseMapper.v1(order),
      lines: order.lines.map((line) => ({ ...lineOf(line), lineTotalMinor: line.unitPriceMinor * line.quantity })),
      itemCount: order.lines.reduce((sum, line) => sum + line.quantity, 0),
    };
  },
};

function lineOf(line: OrderLine): OrderBody['lines'][number] {
  return { sku: line.sku, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor };
}

import type { OrderView } from '../application/ports/order-reads';
import type { OrderProps } from '../domain/order';
import type { OrderDto, OrderLineDto, OrderV2Dto, PlacedOrderDto } from './order.dto';

/**
 * From ordering's answers to HTTP bodies. Every field is named: what the order or its row
 * carries beyond the documented response never reaches a client.
 */
export const OrderResponseMapper = {
  placed(order: OrderProps): PlacedOrderDto {
    return { id: order.id, status: order.status, totalMinor: order.totalMinor, currency: order.currency };
  },

  v1(order: OrderView): OrderDto {
    return {
      id: order.id,
      status: order.status,
      totalMinor: order.totalMinor,
      currency: order.currency,
      customerId: order.customerId,
      lines: order.lines.map(lineOf),
      cancellationReason: order.cancellationReason,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
    };
  },

  /** What v1 says, plus each line's total and the item count. */
  v2(order: OrderView): OrderV2Dto {
    return {
      ...OrderResponseMapper.v1(order),
      lines: order.lines.map((line) => ({ ...lineOf(line), lineTotalMinor: line.unitPriceMinor * line.quantity })),
      itemCount: order.lines.reduce((sum, line) => sum + line.quantity, 0),
    };
  },
};

function lineOf(line: OrderLineDto): OrderLineDto {
  return { sku: line.sku, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor };
}

import type { OrderView } from '../application/ports/order-reads';
import { Order, type OrderLine } from '../domain/order';
import type { OrderEntity } from './order.entity';

/**
 * Between an `orders` row and the rest of ordering. Every field is named: a column added to
 * the entity reaches neither the domain nor a view (and so no HTTP body or published event)
 * until someone maps it here on purpose.
 */
export const OrderMapper = {
  toDomain(row: OrderEntity): Order {
    return Order.restore({
      id: row.id,
      customerId: row.customerId,
      status: row.status,
      totalMinor: row.totalMinor,
      currency: row.currency,
      lines: row.lines.map(lineOf),
      cancellationReason: row.cancellationReason,
    });
  },

  toPersistence(order: Order): Omit<OrderEntity, 'createdAt' | 'updatedAt'> {
    const props = order.toJSON();
    return {
      id: props.id,
      customerId: props.customerId,
      status: props.status,
      totalMinor: props.totalMinor,
      currency: props.currency,
      lines: props.lines.map(lineOf),
      cancellationReason: props.cancellationReason,
    };
  },

  toView(row: OrderEntity): OrderView {
    return {
      id: row.id,
      customerId: row.customerId,
      status: row.status,
      totalMinor: row.totalMinor,
      currency: row.currency,
      lines: row.lines.map(lineOf),
      cancellationReason: row.cancellationReason,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  },
};

function lineOf(line: OrderLine): OrderLine {
  return { sku: line.sku, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor };
}

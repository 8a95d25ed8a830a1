import { cutToLength } from '@seams/kernel/primitives';
import { ORDER_CANCELLED_REASON_MAX_LENGTH, OrderCancelled, OrderConfirmed, OrderPlaced } from '../contract';
import type { Order } from '../domain/order';

/**
 * From the domain to ordering's published events. Every field is named, so what an order
 * carries beyond its contract never reaches a subscriber.
 */
export const OrderEventsMapper = {
  placed(order: Order): OrderPlaced {
    const { id, customerId, totalMinor, currency, lines } = order.toJSON();
    return new OrderPlaced(
      id,
      customerId,
      totalMinor,
      currency,
      lines.map(({ sku, quantity, unitPriceMinor }) => ({ sku, quantity, unitPriceMinor })),
    );
  },

  confirmed(order: Order): OrderConfirmed {
    return new OrderConfirmed(order.id);
  },

  /**
   * The order keeps the whole reason (its column is sized for the longest one); the
   * announcement carries it cut to what `ordering.order-cancelled.v1` allows, as `cutToLength`
   * does: its first 199 characters and `…`.
   */
  cancelled(order: Order): OrderCancelled {
    return new OrderCancelled(order.id, cutToLength(order.toJSON().cancellationReason ?? '', ORDER_CANCELLED_REASON_MAX_LENGTH));
  },
};

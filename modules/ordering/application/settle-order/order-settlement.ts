import { Injectable } from '@nestjs/common';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { cutToLength } from '@seams/kernel/primitives';
import { ORDER_CANCELLED_REASON_MAX_LENGTH, OrderCancelled, OrderConfirmed } from '../../contract';
import { OrderRepository } from '../../infrastructure/order.repository';

/**
 * Moves a PENDING order to its final state and announces it, in one transaction. An order
 * already final is left as it is (and nothing is announced again).
 */
@Injectable()
export class OrderSettlement {
  constructor(
    private readonly database: ModuleDatabase,
    private readonly orders: OrderRepository,
  ) {}

  confirm(orderId: string): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const order = await this.orders.lock(tx.manager, orderId);
      if (!order?.confirm()) return false;
      await this.orders.saveState(tx.manager, order);
      tx.publish(new OrderConfirmed(orderId));
      return true;
    });
  }

  /**
   * The order keeps the whole reason (its column is sized for the longest one); the
   * announcement carries it cut to what `ordering.order-cancelled.v1` allows, as
   * `cutToLength` does: its first 199 characters and `…`.
   */
  cancel(orderId: string, reason: string): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const order = await this.orders.lock(tx.manager, orderId);
      if (!order?.cancel(reason)) return false;
      await this.orders.saveState(tx.manager, order);
      tx.publish(new OrderCancelled(orderId, cutToLength(reason, ORDER_CANCELLED_REASON_MAX_LENGTH)));
      return true;
    });
  }
}

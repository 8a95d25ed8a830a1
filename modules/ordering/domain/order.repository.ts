import type { Order } from './order';

/** Orders, inside a unit of work (see `OrderingUnitOfWork`): what the handlers may do to them. */
export interface OrderRepository {
  add(order: Order): Promise<void>;
  /** The order, locked for the rest of the transaction. */
  lock(orderId: string): Promise<Order | undefined>;
  /** Stores the order's status and cancellation reason (nothing else of an order changes). */
  saveState(order: Order): Promise<void>;
}

import type { OrderLine, OrderStatus } from '../../domain/order';

/** An order as ordering's own HTTP routes show it: the order, and when it was placed and last changed. */
export interface OrderView {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly totalMinor: number;
  readonly currency: string;
  readonly lines: readonly OrderLine[];
  readonly cancellationReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Reads orders outside any transaction. */
export interface OrderReads {
  find(orderId: string): Promise<OrderView | undefined>;
}

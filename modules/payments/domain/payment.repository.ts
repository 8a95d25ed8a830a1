import type { Payment } from './payment';

/** Payments, inside a unit of work (see `PaymentsUnitOfWork`). */
export interface PaymentRepository {
  /**
   * Serialises every attempt on one order until the transaction ends, then says whether the
   * order already has a payment. Two deliveries of one event cannot both charge.
   */
  lockOrder(orderId: string): Promise<boolean>;
  add(payment: Payment): Promise<void>;
}

/** Reads payments outside any transaction. */
export interface PaymentReads {
  /** An order's payments, oldest first (at most one). */
  listByOrder(orderId: string): Promise<Payment[]>;
}

import type { Reservation } from './reservation';

/** Reservations per order, inside a unit of work (see `InventoryUnitOfWork`). */
export interface ReservationRepository {
  /** The order's reservation, locked for the rest of the transaction. */
  lock(orderId: string): Promise<Reservation | undefined>;
  add(reservation: Reservation, owner: string | null): Promise<void>;
  /** Whether the order has a reservation, and whom it was made for. */
  ownerOf(orderId: string): Promise<{ owner: string | null } | undefined>;
  saveStatus(reservation: Reservation): Promise<void>;
}

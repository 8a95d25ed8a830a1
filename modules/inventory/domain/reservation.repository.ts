import type { Reservation } from './reservation';

/** Reservations per order, inside a unit of work (see `InventoryUnitOfWork`). */
export interface ReservationRepository {
  /** The order's reservation, locked for the rest of the transaction. */
  lock(orderId: string): Promise<Reservation | undefined>;
  /** Stores a new reservation; false when the order already has one (or a tombstone) after all. */
  add(reservation: Reservation, owner: string | null): Promise<boolean>;
  /** Whether the order has a reservation, and whom it was made for. */
  ownerOf(orderId: string): Promise<{ owner: string | null } | undefined>;
  saveStatus(reservation: Reservation): Promise<void>;
}

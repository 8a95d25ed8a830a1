import { Command, field } from '@seams/kernel/primitives';

/** Gives an order's held stock back. Idempotent; a no-op when the order holds nothing. */
export class ReleaseReservation extends Command<void> {
  static readonly wire = 'inventory.release-reservation.v1';
  /** Idempotent per order, so the seam may retry it when inventory was unreachable. */
  static readonly idempotencyKey = 'orderId';
  static readonly schema = field.object({ orderId: field.uuid() });

  constructor(readonly orderId: string) {
    super();
  }
}

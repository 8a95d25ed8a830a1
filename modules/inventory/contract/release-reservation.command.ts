import { Command, type Infer, nothing, z } from '@seams/kernel/primitives';

const payload = z.object({ orderId: z.guid() });

/** Gives an order's held stock back. Idempotent; a no-op when the order holds nothing. */
export class ReleaseReservation extends Command<void> implements Infer<typeof payload> {
  static readonly wire = 'inventory.release-reservation.v1';
  /** Idempotent per order, so the seam may retry it when inventory was unreachable. */
  static readonly idempotencyKey = 'orderId';
  static readonly schema = payload;
  /** It answers nothing. */
  static readonly answer = nothing;

  constructor(readonly orderId: string) {
    super();
  }
}

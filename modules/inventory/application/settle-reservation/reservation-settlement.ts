import { Inject, Injectable } from '@nestjs/common';
import { Reservation } from '../../domain/reservation';
import { ReservationNotHeldError } from '../../domain/inventory.errors';
import type { StockItem } from '../../domain/stock-item';
import { INVENTORY_UNIT_OF_WORK } from '../../inventory.di-tokens';
import type { InventoryUnitOfWork } from '../ports/inventory.unit-of-work';

type Settle = (reservation: Reservation, stock: ReadonlyMap<string, StockItem>) => boolean;

/**
 * Ends an order's reservation (commit or release) in one unit of work. An order without a
 * reservation, or one already settled, is left as it is, so a repeated event is harmless.
 */
@Injectable()
export class ReservationSettlement {
  constructor(@Inject(INVENTORY_UNIT_OF_WORK) private readonly unitOfWork: InventoryUnitOfWork) {}

  /**
   * Commits the order's reservation. A reservation that holds nothing (released, a tombstone,
   * or none at all) cannot be committed: a typed error, so the delivery is retried and parked
   * where an operator sees it, never skipped in silence. Committed already: nothing to do.
   */
  commit(orderId: string): Promise<boolean> {
    return this.unitOfWork.run(async ({ stock, reservations }) => {
      const reservation = await reservations.lock(orderId);
      if (!reservation) throw new ReservationNotHeldError(orderId, 'missing');
      if (reservation.status === 'COMMITTED') return false;
      if (reservation.status !== 'HELD') throw new ReservationNotHeldError(orderId, reservation.isTombstone ? 'RELEASED before it was made' : reservation.status);
      const items = await stock.lock(reservation.skus);
      reservation.commit(items);
      await stock.save(items.values());
      await reservations.saveStatus(reservation);
      return true;
    });
  }

  /** Leaves a tombstone for an order with no reservation; false when one was stored meanwhile. */
  tombstone(orderId: string, owner: string | null): Promise<boolean> {
    return this.unitOfWork.run(({ reservations }) => reservations.add(Reservation.tombstone(orderId), owner));
  }

  release(orderId: string): Promise<boolean> {
    return this.settle(orderId, (reservation, stock) => reservation.release(stock));
  }

  private settle(orderId: string, apply: Settle): Promise<boolean> {
    return this.unitOfWork.run(async ({ stock, reservations }) => {
      const reservation = await reservations.lock(orderId);
      if (!reservation || reservation.status !== 'HELD') return false;
      const items = await stock.lock(reservation.skus);
      apply(reservation, items);
      await stock.save(items.values());
      await reservations.saveStatus(reservation);
      return true;
    });
  }
}

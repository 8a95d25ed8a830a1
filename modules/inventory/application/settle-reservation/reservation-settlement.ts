import { Inject, Injectable } from '@nestjs/common';
import type { Reservation } from '../../domain/reservation';
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

  commit(orderId: string): Promise<boolean> {
    return this.settle(orderId, (reservation, stock) => reservation.commit(stock));
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

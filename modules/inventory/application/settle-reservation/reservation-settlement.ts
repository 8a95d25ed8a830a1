import { Injectable } from '@nestjs/common';
import { ModuleDatabase } from '@seams/kernel/persistence';
import type { Reservation } from '../../domain/reservation';
import type { StockItem } from '../../domain/stock-item';
import { ReservationRepository } from '../../infrastructure/reservation.repository';
import { StockRepository } from '../../infrastructure/stock.repository';

type Settle = (reservation: Reservation, stock: ReadonlyMap<string, StockItem>) => boolean;

/**
 * Ends an order's reservation (commit or release) in one transaction. An order without a
 * reservation, or one already settled, is left as it is, so a repeated event is harmless.
 */
@Injectable()
export class ReservationSettlement {
  constructor(
    private readonly database: ModuleDatabase,
    private readonly stock: StockRepository,
    private readonly reservations: ReservationRepository,
  ) {}

  commit(orderId: string): Promise<boolean> {
    return this.settle(orderId, (reservation, stock) => reservation.commit(stock));
  }

  release(orderId: string): Promise<boolean> {
    return this.settle(orderId, (reservation, stock) => reservation.release(stock));
  }

  private settle(orderId: string, apply: Settle): Promise<boolean> {
    return this.database.transaction(async ({ manager }) => {
      const reservation = await this.reservations.lock(manager, orderId);
      if (!reservation || reservation.status !== 'HELD') return false;
      const items = await this.stock.lock(manager, reservation.skus);
      apply(reservation, items);
      await this.stock.save(manager, items.values());
      await this.reservations.saveStatus(manager, reservation);
      return true;
    });
  }
}

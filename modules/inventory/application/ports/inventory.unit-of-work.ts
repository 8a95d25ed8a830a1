import type { UnitOfWork } from '@seams/kernel/persistence';
import type { ReservationRepository } from '../../domain/reservation.repository';
import type { StockRepository } from '../../domain/stock.repository';

/** Inventory's repositories, bound to one transaction. */
export interface InventoryRepositories {
  readonly stock: StockRepository;
  readonly reservations: ReservationRepository;
}

/** Inventory's unit of work (bound to `INVENTORY_UNIT_OF_WORK`). */
export type InventoryUnitOfWork = UnitOfWork<InventoryRepositories>;

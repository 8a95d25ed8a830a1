/** `InventoryUnitOfWork` (application/ports/inventory.unit-of-work.ts): repositories bound to one transaction. */
export const INVENTORY_UNIT_OF_WORK = Symbol('INVENTORY_UNIT_OF_WORK');
/** `StockReads` (domain/stock.repository.ts), on the pool. */
export const STOCK_READS = Symbol('STOCK_READS');
/** `ReservationRepository` (domain/reservation.repository.ts) on the pool, for reads outside a transaction. */
export const RESERVATION_READS = Symbol('RESERVATION_READS');

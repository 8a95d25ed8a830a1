export { ReserveStock } from './reserve-stock.command';
export type { StockLine } from './reserve-stock.command';
export { ReleaseReservation } from './release-reservation.command';
export { InventoryErrors } from './inventory.errors';

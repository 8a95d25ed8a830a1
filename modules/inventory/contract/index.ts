export { ReserveStock } from './reserve-stock.command';
export { ReserveStockV2 } from './reserve-stock-v2.command';
export type { StockItem } from './reserve-stock-v2.command';
export type { StockLine } from './reserve-stock.command';
export { ReleaseReservation } from './release-reservation.command';
export { InventoryErrors } from './inventory.errors';

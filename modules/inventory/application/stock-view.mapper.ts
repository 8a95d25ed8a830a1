import type { StockItem } from '../domain/stock-item';
import type { StockView } from './get-stock/get-stock.query';

/** From the domain to inventory's answer about one sku; every field is named. */
export function toStockView(item: StockItem): StockView {
  return { sku: item.sku, onHand: item.onHand, reserved: item.reserved, available: item.available };
}

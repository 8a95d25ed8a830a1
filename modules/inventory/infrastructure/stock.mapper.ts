import { StockItem } from '../domain/stock-item';
import type { StockItemEntity } from './stock-item.entity';

/** Between a `stock_items` row and the domain; every field is named. */
export const StockMapper = {
  toDomain(row: StockItemEntity): StockItem {
    return StockItem.restore({ sku: row.sku, onHand: row.onHand, reserved: row.reserved });
  },

  toPersistence(item: StockItem): Pick<StockItemEntity, 'sku' | 'onHand' | 'reserved'> {
    return { sku: item.sku, onHand: item.onHand, reserved: item.reserved };
  },
};

import type { StockItem } from './stock-item';

/** Stock per sku, inside a unit of work (see `InventoryUnitOfWork`). */
export interface StockRepository {
  /**
   * Locks the stock of `skus` for the rest of the transaction, always in sku order so
   * concurrent orders cannot deadlock. Skus with no stock come back empty (nothing available).
   */
  lock(skus: readonly string[]): Promise<Map<string, StockItem>>;
  /** Locks one sku's stock, creating it empty first when the sku is new. */
  lockOrCreate(sku: string): Promise<StockItem>;
  save(items: Iterable<StockItem>): Promise<void>;
}

/** Reads stock outside any transaction. */
export interface StockReads {
  find(sku: string): Promise<StockItem | undefined>;
}

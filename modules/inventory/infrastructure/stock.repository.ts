import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { StockItem } from '../domain/stock-item';
import { StockItemEntity } from './stock-item.entity';

@Injectable()
export class StockRepository {
  constructor(private readonly database: ModuleDatabase) {}

  async find(sku: string): Promise<StockItem | undefined> {
    const row = await this.database.manager.findOneBy(StockItemEntity, { sku });
    return row ? StockItem.restore(row) : undefined;
  }

  /**
   * Locks the stock rows of `skus` for the rest of the transaction, always in sku order so
   * concurrent orders cannot deadlock. Skus with no row come back empty (nothing available).
   */
  async lock(manager: EntityManager, skus: readonly string[]): Promise<Map<string, StockItem>> {
    const unique = [...new Set(skus)].sort();
    const rows = await manager.find(StockItemEntity, {
      where: { sku: In(unique) },
      order: { sku: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    const found = new Map(rows.map((row) => [row.sku, StockItem.restore(row)]));
    return new Map(unique.map((sku) => [sku, found.get(sku) ?? StockItem.empty(sku)]));
  }

  /** Locks one sku's row, creating it empty first when the sku is new. */
  async lockOrCreate(manager: EntityManager, sku: string): Promise<StockItem> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(StockItemEntity)
      .values({ sku, onHand: 0, reserved: 0 })
      .orIgnore()
      .execute();
    const items = await this.lock(manager, [sku]);
    return items.get(sku)!;
  }

  async save(manager: EntityManager, items: Iterable<StockItem>): Promise<void> {
    for (const item of items) {
      await manager.upsert(StockItemEntity, { sku: item.sku, onHand: item.onHand, reserved: item.reserved }, ['sku']);
    }
  }
}

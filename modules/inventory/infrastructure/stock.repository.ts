import { In, type EntityManager } from 'typeorm';
import { StockItem } from '../domain/stock-item';
import type { StockReads, StockRepository } from '../domain/stock.repository';
import { StockItemEntity } from './stock-item.entity';
import { StockMapper } from './stock.mapper';

/** `StockRepository` and `StockReads` on one entity manager. */
export class TypeOrmStockRepository implements StockRepository, StockReads {
  constructor(private readonly manager: EntityManager) {}

  async find(sku: string): Promise<StockItem | undefined> {
    const row = await this.manager.findOneBy(StockItemEntity, { sku });
    return row ? StockMapper.toDomain(row) : undefined;
  }

  async lock(skus: readonly string[]): Promise<Map<string, StockItem>> {
    const unique = [...new Set(skus)].sort();
    const rows = await this.manager.find(StockItemEntity, {
      where: { sku: In(unique) },
      order: { sku: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    const found = new Map(rows.map((row) => [row.sku, StockMapper.toDomain(row)]));
    return new Map(unique.map((sku) => [sku, found.get(sku) ?? StockItem.empty(sku)]));
  }

  async lockOrCreate(sku: string): Promise<StockItem> {
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(StockItemEntity)
      .values({ sku, onHand: 0, reserved: 0 })
      .orIgnore()
      .execute();
    const items = await this.lock([sku]);
    return items.get(sku)!;
  }

  async save(items: Iterable<StockItem>): Promise<void> {
    for (const item of items) {
      await this.manager.upsert(StockItemEntity, StockMapper.toPersistence(item), ['sku']);
    }
  }
}

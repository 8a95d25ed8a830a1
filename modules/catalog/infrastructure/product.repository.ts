import { In, MoreThan, type EntityManager } from 'typeorm';
import { ProductAlreadyExistsError } from '../domain/catalog.errors';
import type { Product } from '../domain/product';
import type { ProductRepository } from '../domain/product.repository';
import { ProductEntity } from './product.entity';
import { ProductMapper } from './product.mapper';

const UNIQUE_VIOLATION = '23505';

/** `ProductRepository` on one entity manager (the pool's). */
export class TypeOrmProductRepository implements ProductRepository {
  constructor(private readonly manager: EntityManager) {}

  async add(product: Product): Promise<void> {
    try {
      await this.manager.insert(ProductEntity, ProductMapper.toPersistence(product));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new ProductAlreadyExistsError(product.sku);
      throw error;
    }
  }

  async findBySku(sku: string): Promise<Product | undefined> {
    const row = await this.manager.findOneBy(ProductEntity, { sku });
    return row ? ProductMapper.toDomain(row) : undefined;
  }

  async findBySkus(skus: readonly string[]): Promise<Product[]> {
    if (skus.length === 0) return [];
    const rows = await this.manager.findBy(ProductEntity, { sku: In([...skus]) });
    return rows.map(ProductMapper.toDomain);
  }

  async listAfter(after: string | undefined, limit: number): Promise<Product[]> {
    // Keyset on the primary key: the same order and comparison (the column's collation) on every page.
    const rows = await this.manager.find(ProductEntity, { where: after === undefined ? {} : { sku: MoreThan(after) }, order: { sku: 'ASC' }, take: limit });
    return rows.map(ProductMapper.toDomain);
  }
}

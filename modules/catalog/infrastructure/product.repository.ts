import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { ProductAlreadyExistsError } from '../domain/catalog.errors';
import { Product } from '../domain/product';
import { ProductEntity } from './product.entity';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class ProductRepository {
  constructor(private readonly database: ModuleDatabase) {}

  async add(product: Product, manager: EntityManager = this.database.manager): Promise<void> {
    try {
      await manager.insert(ProductEntity, product.toJSON());
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new ProductAlreadyExistsError(product.sku);
      throw error;
    }
  }

  async findBySku(sku: string): Promise<Product | undefined> {
    const row = await this.database.manager.findOneBy(ProductEntity, { sku });
    return row ? toProduct(row) : undefined;
  }

  async findBySkus(skus: readonly string[]): Promise<Product[]> {
    if (skus.length === 0) return [];
    const rows = await this.database.manager.findBy(ProductEntity, { sku: In([...skus]) });
    return rows.map(toProduct);
  }
}

function toProduct(row: ProductEntity): Product {
  return Product.restore({ sku: row.sku, name: row.name, priceMinor: row.priceMinor, currency: row.currency });
}

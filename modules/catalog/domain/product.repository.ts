import type { Product } from './product';

/** Products. Each call commits on its own: catalog writes one row at a time. */
export interface ProductRepository {
  /** Stores a new product; `ProductAlreadyExistsError` when its sku is taken. */
  add(product: Product): Promise<void>;
  findBySku(sku: string): Promise<Product | undefined>;
  findBySkus(skus: readonly string[]): Promise<Product[]>;
}

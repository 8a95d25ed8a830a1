import type { Product } from './product';

/** Products. Each call commits on its own: catalog writes one row at a time. */
export interface ProductRepository {
  /** Stores a new product; `ProductAlreadyExistsError` when its sku is taken. */
  add(product: Product): Promise<void>;
  findBySku(sku: string): Promise<Product | undefined>;
  findBySkus(skus: readonly string[]): Promise<Product[]>;
  /** At most `limit` products in sku order, those after the sku `after` (all when not given). */
  listAfter(after: string | undefined, limit: number): Promise<Product[]>;
}

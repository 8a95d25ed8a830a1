import { Product } from '../domain/product';
import type { ProductEntity } from './product.entity';

/** Between a `products` row and the domain; every field is named. */
export const ProductMapper = {
  toDomain(row: ProductEntity): Product {
    return Product.restore({ sku: row.sku, name: row.name, priceMinor: row.priceMinor, currency: row.currency });
  },

  toPersistence(product: Product): Omit<ProductEntity, 'createdAt'> {
    const { sku, name, priceMinor, currency } = product.toJSON();
    return { sku, name, priceMinor, currency };
  },
};

import type { CatalogProduct } from '../contract';
import type { Product, ProductProps } from '../domain/product';

/** From the domain to catalog's answers (the contract's and its own HTTP route's); every field is named. */
export const ProductAnswersMapper = {
  catalogProduct(product: Product): CatalogProduct {
    const { sku, name, priceMinor, currency } = product.toJSON();
    return { sku, name, priceMinor, currency };
  },

  props(product: Product): ProductProps {
    const { sku, name, priceMinor, currency } = product.toJSON();
    return { sku, name, priceMinor, currency };
  },
};

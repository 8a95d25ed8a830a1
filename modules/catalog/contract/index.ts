export { GetProducts } from './get-products.query';
export type { CatalogProduct } from './get-products.query';
export { GetProductsV2 } from './get-products-v2.query';
export type { CatalogLookup } from './get-products-v2.query';

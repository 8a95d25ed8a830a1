export { GetProducts } from './get-products.query';
export type { CatalogProduct } from './get-products.query';

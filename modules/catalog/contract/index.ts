export { GetProducts } from './get-products.query';
export { GetProductsV2 } from './get-products-v2.query';
export type { CatalogLookup } from './get-products-v2.query';
export { SKU_PATTERN, SKU_MAX_LENGTH, SKU_RULE, CURRENCY_PATTERN, CURRENCY_RULE, sku, currencyCode } from './product-codes';
export { catalogProduct, MAX_PRICE_MINOR, PRODUCT_NAME_MAX_LENGTH } from './catalog-product';
export type { CatalogProduct } from './catalog-product';

/** `ProductRepository` (domain/product.repository.ts), on the module's pool. */
export const PRODUCT_REPOSITORY = Symbol('PRODUCT_REPOSITORY');

import { DomainError } from '@seams/kernel/primitives';

export class ProductAlreadyExistsError extends DomainError {
  readonly code = 'catalog.product-exists';
  readonly kind = 'conflict';

  constructor(sku: string) {
    super(`A product with sku ${sku} already exists`, { sku });
  }
}

export class ProductNotFoundError extends DomainError {
  readonly code = 'catalog.product-not-found';
  readonly kind = 'not-found';

  constructor(sku: string) {
    super(`No product has sku ${sku}`, { sku });
  }
}

export class InvalidProductError extends DomainError {
  readonly code = 'catalog.invalid-product';
  readonly kind = 'invalid';
}

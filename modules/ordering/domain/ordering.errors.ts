import { DomainError } from '@seams/kernel/primitives';

export class UnknownProductsError extends DomainError {
  readonly code = 'ordering.unknown-products';
  readonly kind = 'unprocessable';

  constructor(readonly skus: readonly string[]) {
    super(`The catalog has no product with sku ${skus.join(', ')}`, { skus });
  }
}

export class MixedCurrenciesError extends DomainError {
  readonly code = 'ordering.mixed-currencies';
  readonly kind = 'unprocessable';

  constructor(currencies: readonly string[]) {
    super(`One order must be priced in one currency; these lines use ${currencies.join(', ')}`, { currencies });
  }
}

export class InvalidOrderError extends DomainError {
  readonly code = 'ordering.invalid-order';
  readonly kind = 'invalid';
}

export class OrderNotFoundError extends DomainError {
  readonly code = 'ordering.order-not-found';
  readonly kind = 'not-found';

  constructor(orderId: string) {
    super(`No order has id ${orderId}`, { orderId });
  }
}

/**
 * Placing the order took so long that placement recovery gave its stock back first: the order
 * is not stored (503, worth a retry: nothing is held and nothing was charged).
 */
export class PlacementAbandonedError extends DomainError {
  readonly code = 'ordering.placement-abandoned';
  readonly kind = 'unavailable';

  constructor(orderId: string) {
    super(`The placement of order ${orderId} was abandoned before it could be stored (it took too long); nothing is held: try again`, { orderId, retryAfterSeconds: 1 });
  }
}

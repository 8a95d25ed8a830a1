import { DomainError } from '@seams/kernel/primitives';
import { InventoryErrors } from '../contract/inventory.errors';

export class InsufficientStockError extends DomainError {
  readonly code = InventoryErrors.insufficientStock;
  readonly kind = 'conflict';

  constructor(sku: string, requested: number, available: number) {
    super(`Not enough stock of sku ${sku}: ${requested} requested, ${available} available`, {
      sku,
      requested,
      available,
    });
  }
}

export class OnHandBelowReservedError extends DomainError {
  readonly code = 'inventory.on-hand-below-reserved';
  readonly kind = 'conflict';

  constructor(sku: string, onHand: number, reserved: number) {
    super(`Stock of sku ${sku} cannot go to ${onHand}: ${reserved} units are reserved`, { sku, onHand, reserved });
  }
}

export class StockNotFoundError extends DomainError {
  readonly code = 'inventory.stock-not-found';
  readonly kind = 'not-found';

  constructor(sku: string) {
    super(`No stock is recorded for sku ${sku}`, { sku });
  }
}

export class InvalidQuantityError extends DomainError {
  readonly code = 'inventory.invalid-quantity';
  readonly kind = 'invalid';
}

/** A reservation arrived for an order whose stock was already released (its placement gave up): nothing is held. */
export class ReservationReleasedError extends DomainError {
  readonly code = InventoryErrors.reservationReleased;
  readonly kind = 'conflict';

  constructor(orderId: string) {
    super(`The stock of order ${orderId} was already released: a late reservation holds nothing`, { orderId });
  }
}

/**
 * An order's reservation cannot be committed: it holds nothing (released, or never made).
 * A paid order whose stock was not held needs a person: the delivery fails, is retried, and
 * is parked where an operator sees it (the events admin, `seams_outbox_parked`).
 */
export class ReservationNotHeldError extends DomainError {
  readonly code = 'inventory.reservation-not-held';
  readonly kind = 'conflict';

  constructor(orderId: string, status: string) {
    super(`The reservation of order ${orderId} cannot be committed: it is ${status}, not HELD; its goods were never set aside`, { orderId, status });
  }
}

/** Stock would break its invariant (0 <= reserved <= onHand): a release or commit of more than is held. */
export class StockInvariantError extends DomainError {
  readonly code = 'inventory.stock-invariant';
  readonly kind = 'conflict';

  constructor(sku: string, operation: string, quantity: number, reserved: number) {
    super(`Cannot ${operation} ${quantity} units of sku ${sku}: only ${reserved} are reserved`, { sku, operation, quantity, reserved });
  }
}

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

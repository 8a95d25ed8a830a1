import { InsufficientStockError, InvalidQuantityError, OnHandBelowReservedError, StockInvariantError } from './inventory.errors';

export interface StockItemProps {
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
}

/** Maximum units of one sku; stock is stored as PostgreSQL `integer`. */
export const MAX_UNITS = 2_147_483_647;

/**
 * Stock of one sku. `onHand` counts units in the warehouse; `reserved` those held for orders
 * not yet confirmed. The invariant 0 <= reserved <= onHand always holds.
 */
export class StockItem {
  private constructor(
    readonly sku: string,
    private onHandUnits: number,
    private reservedUnits: number,
  ) {}

  /** A sku with no stock recorded yet. */
  static empty(sku: string): StockItem {
    return new StockItem(sku, 0, 0);
  }

  static restore(props: StockItemProps): StockItem {
    return new StockItem(props.sku, props.onHand, props.reserved);
  }

  get onHand(): number {
    return this.onHandUnits;
  }

  get reserved(): number {
    return this.reservedUnits;
  }

  get available(): number {
    return this.onHandUnits - this.reservedUnits;
  }

  /** Sets the counted units, e.g. after a delivery or a stock take. */
  setOnHand(units: number): void {
    assertUnits(units, 'onHand', true);
    if (units < this.reservedUnits) throw new OnHandBelowReservedError(this.sku, units, this.reservedUnits);
    this.onHandUnits = units;
  }

  reserve(quantity: number): void {
    assertUnits(quantity, 'quantity', false);
    if (quantity > this.available) throw new InsufficientStockError(this.sku, quantity, this.available);
    this.reservedUnits += quantity;
  }

  /** Gives held units back to the available stock. */
  release(quantity: number): void {
    assertUnits(quantity, 'quantity', false);
    if (quantity > this.reservedUnits) throw new StockInvariantError(this.sku, 'release', quantity, this.reservedUnits);
    this.reservedUnits -= quantity;
  }

  /** The held units leave the warehouse: both on-hand and reserved go down. */
  commit(quantity: number): void {
    assertUnits(quantity, 'quantity', false);
    if (quantity > this.reservedUnits) throw new StockInvariantError(this.sku, 'commit', quantity, this.reservedUnits);
    this.reservedUnits -= quantity;
    this.onHandUnits -= quantity;
  }

  toJSON(): StockItemProps & { available: number } {
    return { sku: this.sku, onHand: this.onHand, reserved: this.reserved, available: this.available };
  }
}

function assertUnits(value: number, name: string, zeroAllowed: boolean): void {
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1) || value > MAX_UNITS) {
    throw new InvalidQuantityError(`${name} must be a whole number from ${zeroAllowed ? 0 : 1} to ${MAX_UNITS}`, {
      [name]: value,
    });
  }
}

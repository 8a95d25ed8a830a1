import { InvalidOrderError, MixedCurrenciesError, UnknownProductsError } from './ordering.errors';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

export interface Price {
  readonly priceMinor: number;
  readonly currency: string;
}

export interface OrderProps {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly totalMinor: number;
  readonly currency: string;
  readonly lines: readonly OrderLine[];
  readonly cancellationReason: string | null;
}

/**
 * An order: PENDING when placed, then CONFIRMED (paid) or CANCELLED. Both are final; moving
 * to the state it is already in is a no-op, so a redelivered event has no second effect.
 */
/**
 * The longest customer id (a token's subject) an order takes: the bound of `customerId` in
 * `ordering.order-placed.v1`. Refused before anything is reserved, never after.
 */
export const MAX_CUSTOMER_ID_LENGTH = 64;

export class Order {
  private constructor(private props: OrderProps) {}

  /** Prices the requested lines from `prices` (by sku) and opens a PENDING order. */
  static place(input: {
    id: string;
    customerId: string;
    lines: readonly { sku: string; quantity: number }[];
    prices: ReadonlyMap<string, Price>;
  }): Order {
    if (input.lines.length === 0) throw new InvalidOrderError('An order needs at least one line');
    if (input.customerId.length === 0 || input.customerId.length > MAX_CUSTOMER_ID_LENGTH) {
      throw new InvalidOrderError(`A customer id (the token's subject) must be 1 to ${MAX_CUSTOMER_ID_LENGTH} characters, not ${input.customerId.length}`, {
        customerIdLength: input.customerId.length,
      });
    }
    const unknown = input.lines.filter((line) => !input.prices.has(line.sku)).map((line) => line.sku);
    if (unknown.length > 0) throw new UnknownProductsError([...new Set(unknown)]);
    const currencies = [...new Set(input.lines.map((line) => input.prices.get(line.sku)!.currency))];
    if (currencies.length > 1) throw new MixedCurrenciesError(currencies);
    const lines = input.lines.map((line) => {
      if (!Number.isInteger(line.quantity) || line.quantity < 1) {
        throw new InvalidOrderError(`quantity of ${line.sku} must be a whole number of at least 1`);
      }
      return { sku: line.sku, quantity: line.quantity, unitPriceMinor: input.prices.get(line.sku)!.priceMinor };
    });
    const totalMinor = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
    if (!Number.isSafeInteger(totalMinor)) throw new InvalidOrderError('The order total is too large');
    return new Order({
      id: input.id,
      customerId: input.customerId,
      status: 'PENDING',
      totalMinor,
      currency: currencies[0],
      lines,
      cancellationReason: null,
    });
  }

  static restore(props: OrderProps): Order {
    return new Order(props);
  }

  get id(): string {
    return this.props.id;
  }

  get status(): OrderStatus {
    return this.props.status;
  }

  /** Returns false when the order was not PENDING (nothing changed). */
  confirm(): boolean {
    if (this.props.status !== 'PENDING') return false;
    this.props = { ...this.props, status: 'CONFIRMED' };
    return true;
  }

  cancel(reason: string): boolean {
    if (this.props.status !== 'PENDING') return false;
    this.props = { ...this.props, status: 'CANCELLED', cancellationReason: reason };
    return true;
  }

  toJSON(): OrderProps {
    return this.props;
  }
}

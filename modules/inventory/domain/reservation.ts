import { StockNotFoundError } from './inventory.errors';
import type { StockItem } from './stock-item';

export type ReservationStatus = 'HELD' | 'COMMITTED' | 'RELEASED';

export interface ReservationLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface ReservationProps {
  readonly orderId: string;
  readonly lines: readonly ReservationLine[];
  readonly status: ReservationStatus;
}

/**
 * The stock one order holds. Created HELD; it ends COMMITTED (the goods ship) or RELEASED
 * (the order was cancelled). Settling an already settled reservation changes nothing, so
 * redelivered events are harmless.
 */
export class Reservation {
  private constructor(
    readonly orderId: string,
    readonly lines: readonly ReservationLine[],
    private current: ReservationStatus,
  ) {}

  /**
   * Holds every line on the given stock items, or none: the first line that cannot be
   * covered throws before anything is stored. Duplicate skus are merged.
   */
  static hold(orderId: string, lines: readonly ReservationLine[], stock: ReadonlyMap<string, StockItem>): Reservation {
    const merged = mergeLines(lines);
    for (const line of merged) {
      const item = stock.get(line.sku);
      if (!item) throw new StockNotFoundError(line.sku);
      item.reserve(line.quantity);
    }
    return new Reservation(orderId, merged, 'HELD');
  }

  /**
   * An order whose stock was released before anything was reserved for it (its placement
   * gave up while its reservation was on the way): a late reservation finds this and holds nothing.
   */
  static tombstone(orderId: string): Reservation {
    return new Reservation(orderId, [], 'RELEASED');
  }

  /** Whether this is a tombstone: released with nothing ever held. */
  get isTombstone(): boolean {
    return this.current === 'RELEASED' && this.lines.length === 0;
  }

  static restore(props: ReservationProps): Reservation {
    return new Reservation(props.orderId, props.lines, props.status);
  }

  get status(): ReservationStatus {
    return this.current;
  }

  get skus(): string[] {
    return this.lines.map((line) => line.sku);
  }

  /** Returns false when there was nothing to do (already settled). */
  release(stock: ReadonlyMap<string, StockItem>): boolean {
    return this.settle('RELEASED', stock, (item, quantity) => item.release(quantity));
  }

  commit(stock: ReadonlyMap<string, StockItem>): boolean {
    return this.settle('COMMITTED', stock, (item, quantity) => item.commit(quantity));
  }

  private settle(
    to: ReservationStatus,
    stock: ReadonlyMap<string, StockItem>,
    apply: (item: StockItem, quantity: number) => void,
  ): boolean {
    if (this.current !== 'HELD') return false;
    for (const line of this.lines) {
      const item = stock.get(line.sku);
      if (!item) throw new StockNotFoundError(line.sku);
      apply(item, line.quantity);
    }
    this.current = to;
    return true;
  }

  toJSON(): ReservationProps {
    return { orderId: this.orderId, lines: this.lines, status: this.current };
  }
}

function mergeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}

import { InsufficientStockError } from './inventory.errors';
import { Reservation } from './reservation';
import { StockItem } from './stock-item';

function stockOf(entries: Record<string, [onHand: number, reserved: number]>): Map<string, StockItem> {
  return new Map(
    Object.entries(entries).map(([sku, [onHand, reserved]]) => [sku, StockItem.restore({ sku, onHand, reserved })]),
  );
}

describe('Reservation', () => {
  it('holds every line and merges lines of the same sku', () => {
    const stock = stockOf({ A: [5, 0], B: [2, 0] });
    const reservation = Reservation.hold(
      'order-1',
      [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'A', quantity: 2 },
      ],
      stock,
    );
    expect(reservation.toJSON()).toEqual({
      orderId: 'order-1',
      status: 'HELD',
      lines: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 2 },
      ],
    });
    expect(stock.get('A')!.reserved).toBe(3);
    expect(stock.get('B')!.available).toBe(0);
  });

  it('throws on the first line that cannot be covered (the caller then stores nothing)', () => {
    const stock = stockOf({ A: [5, 0], B: [0, 0] });
    expect(() =>
      Reservation.hold(
        'order-1',
        [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 1 },
        ],
        stock,
      ),
    ).toThrow(InsufficientStockError);
  });

  it('commits once: a second commit or a later release changes nothing', () => {
    const stock = stockOf({ A: [5, 2] });
    const reservation = Reservation.restore({ orderId: 'o', lines: [{ sku: 'A', quantity: 2 }], status: 'HELD' });
    expect(reservation.commit(stock)).toBe(true);
    expect(reservation.commit(stock)).toBe(false);
    expect(reservation.release(stock)).toBe(false);
    expect(reservation.status).toBe('COMMITTED');
    expect(stock.get('A')!.toJSON()).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('releases once: the stock comes back a single time', () => {
    const stock = stockOf({ A: [5, 2] });
    const reservation = Reservation.restore({ orderId: 'o', lines: [{ sku: 'A', quantity: 2 }], status: 'HELD' });
    expect(reservation.release(stock)).toBe(true);
    expect(reservation.release(stock)).toBe(false);
    expect(stock.get('A')!.toJSON()).toMatchObject({ onHand: 5, reserved: 0 });
  });
});

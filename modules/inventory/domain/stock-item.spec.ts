import { InsufficientStockError, InvalidQuantityError, OnHandBelowReservedError } from './inventory.errors';
import { StockItem } from './stock-item';

describe('StockItem', () => {
  const item = (onHand: number, reserved = 0) => StockItem.restore({ sku: 'TEA-1', onHand, reserved });

  it('reserves from the available units', () => {
    const stock = item(5, 1);
    stock.reserve(4);
    expect(stock.toJSON()).toEqual({ sku: 'TEA-1', onHand: 5, reserved: 5, available: 0 });
  });

  it('refuses to reserve more than is available, naming what was asked and what is left', () => {
    const stock = item(5, 3);
    expect(() => stock.reserve(3)).toThrow(InsufficientStockError);
    expect(() => stock.reserve(3)).toThrow(
      expect.objectContaining({ code: 'inventory.insufficient-stock', details: { sku: 'TEA-1', requested: 3, available: 2 } }),
    );
    expect(stock.reserved).toBe(3);
  });

  it('commits reserved units: they leave both on-hand and reserved', () => {
    const stock = item(5, 2);
    stock.commit(2);
    expect(stock.toJSON()).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('releases reserved units back to available', () => {
    const stock = item(5, 2);
    stock.release(2);
    expect(stock.toJSON()).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
  });

  it('refuses to release or commit more than is reserved (no silent clamp): the stock stays as it was', () => {
    const stock = item(5, 2);
    expect(() => stock.release(3)).toThrow(expect.objectContaining({ code: 'inventory.stock-invariant', details: { sku: 'TEA-1', operation: 'release', quantity: 3, reserved: 2 } }));
    expect(() => stock.commit(3)).toThrow(expect.objectContaining({ code: 'inventory.stock-invariant', details: { sku: 'TEA-1', operation: 'commit', quantity: 3, reserved: 2 } }));
    expect(stock.toJSON()).toMatchObject({ onHand: 5, reserved: 2 });
  });

  it('does not let on-hand go below what is reserved', () => {
    const stock = item(5, 2);
    expect(() => stock.setOnHand(1)).toThrow(OnHandBelowReservedError);
    stock.setOnHand(2);
    expect(stock.available).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a reservation of %p units', (quantity) => {
    expect(() => item(5).reserve(quantity)).toThrow(InvalidQuantityError);
  });

  it('rejects a negative on-hand count', () => {
    expect(() => item(5).setOnHand(-1)).toThrow(InvalidQuantityError);
  });
});

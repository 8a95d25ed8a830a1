import { Order, type Price } from './order';
import { InvalidOrderError, MixedCurrenciesError, UnknownProductsError } from './ordering.errors';

const prices = new Map<string, Price>([
  ['TEA-1', { priceMinor: 450, currency: 'EUR' }],
  ['MUG-1', { priceMinor: 1200, currency: 'EUR' }],
  ['CUP-US', { priceMinor: 300, currency: 'USD' }],
]);

const place = (lines: { sku: string; quantity: number }[]) => Order.place({ id: 'o-1', customerId: 'c-1', lines, prices });

describe('Order', () => {
  it('is PENDING when placed, priced from the catalog, with its total', () => {
    const order = place([
      { sku: 'TEA-1', quantity: 2 },
      { sku: 'MUG-1', quantity: 1 },
    ]);
    expect(order.toJSON()).toEqual({
      id: 'o-1',
      customerId: 'c-1',
      status: 'PENDING',
      totalMinor: 2100,
      currency: 'EUR',
      lines: [
        { sku: 'TEA-1', quantity: 2, unitPriceMinor: 450 },
        { sku: 'MUG-1', quantity: 1, unitPriceMinor: 1200 },
      ],
      cancellationReason: null,
    });
  });

  it('cannot be placed with a sku the catalog does not know, and names every one', () => {
    expect(() => place([{ sku: 'NOPE', quantity: 1 }, { sku: 'GONE', quantity: 1 }])).toThrow(
      new UnknownProductsError(['NOPE', 'GONE']),
    );
  });

  it('cannot mix currencies', () => {
    expect(() => place([{ sku: 'TEA-1', quantity: 1 }, { sku: 'CUP-US', quantity: 1 }])).toThrow(MixedCurrenciesError);
  });

  it.each([[[]], [[{ sku: 'TEA-1', quantity: 0 }]], [[{ sku: 'TEA-1', quantity: 1.5 }]]])(
    'cannot be placed with lines %j',
    (lines) => {
      expect(() => place(lines)).toThrow(InvalidOrderError);
    },
  );

  it('is confirmed once; a later cancel or a second confirm changes nothing', () => {
    const order = place([{ sku: 'TEA-1', quantity: 1 }]);
    expect(order.confirm()).toBe(true);
    expect(order.confirm()).toBe(false);
    expect(order.cancel('late')).toBe(false);
    expect(order.toJSON()).toMatchObject({ status: 'CONFIRMED', cancellationReason: null });
  });

  it('is cancelled with its reason; a later confirm changes nothing', () => {
    const order = place([{ sku: 'TEA-1', quantity: 1 }]);
    expect(order.cancel('payment declined')).toBe(true);
    expect(order.confirm()).toBe(false);
    expect(order.toJSON()).toMatchObject({ status: 'CANCELLED', cancellationReason: 'payment declined' });
  });
});

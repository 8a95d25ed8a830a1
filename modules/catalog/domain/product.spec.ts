import { InvalidProductError } from './catalog.errors';
import { Product } from './product';

describe('Product', () => {
  const valid = { sku: 'TEA-1', name: 'Green tea', priceMinor: 450, currency: 'EUR' };

  it('keeps a valid product as given, with its name trimmed', () => {
    expect(Product.create({ ...valid, name: '  Green tea ' }).toJSON()).toEqual(valid);
  });

  it.each([
    ['a lower-case sku', { sku: 'tea-1' }],
    ['an empty name', { name: '   ' }],
    ['a negative price', { priceMinor: -1 }],
    ['a fractional price', { priceMinor: 4.5 }],
    ['a price beyond the integer column', { priceMinor: 2 ** 31 }],
    ['a currency that is not ISO 4217 shaped', { currency: 'euro' }],
  ])('rejects %s', (_, change) => {
    expect(() => Product.create({ ...valid, ...change })).toThrow(InvalidProductError);
  });
});

import { randomUUID } from 'node:crypto';
import { ReserveStock } from '../../modules/inventory/contract';
import { Seam } from '@seams/kernel/seam';
import { startTestApp, type TestApp } from '../support/test-app';
import { serviceSeam } from '@seams/kernel/testing';

describe('catalog and inventory over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(() => app?.close());

  it('registers a product and reads it back by sku', async () => {
    const product = { sku: 'CAT-1', name: 'Cat food', priceMinor: 1299, currency: 'EUR' };
    await app.http.post('/v1/catalog/products').send(product).expect(201, product);
    await app.http.get('/v1/catalog/products/CAT-1').expect(200, product);
  });

  it('answers 409 for a sku that is already registered', async () => {
    const product = { sku: 'CAT-2', name: 'Cat toy', priceMinor: 500, currency: 'EUR' };
    await app.http.post('/v1/catalog/products').send(product).expect(201);
    const response = await app.http.post('/v1/catalog/products').send({ ...product, name: 'Other' }).expect(409);
    expect(response.body).toMatchObject({ code: 'catalog.product-exists', sku: 'CAT-2' });
  });

  it('answers 404 for a sku the catalog does not know', async () => {
    const response = await app.http.get('/v1/catalog/products/NOPE').expect(404);
    expect(response.body).toMatchObject({ status: 404, code: 'catalog.product-not-found' });
  });

  it.each([
    ['a negative price', { priceMinor: -1 }, 'priceMinor'],
    ['a price in decimals', { priceMinor: 12.5 }, 'priceMinor'],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['an empty name', { name: '' }, 'name'],
    ['a lower-case sku', { sku: 'cat-3' }, 'sku'],
  ])('rejects a product with %s with 400 naming the field', async (_, change, field) => {
    const product = { sku: 'CAT-3', name: 'Cat bed', priceMinor: 5000, currency: 'EUR', ...change };
    const response = await app.http.post('/v1/catalog/products').send(product).expect(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('sets and reads the stock of a sku', async () => {
    await app.http
      .put('/v1/inventory/stock/INV-1')
      .send({ onHand: 12 })
      .expect(200, { sku: 'INV-1', onHand: 12, reserved: 0, available: 12 });
    await app.http.put('/v1/inventory/stock/INV-1').send({ onHand: 4 }).expect(200);
    await app.http.get('/v1/inventory/stock/INV-1').expect(200, { sku: 'INV-1', onHand: 4, reserved: 0, available: 4 });
  });

  it('refuses to set on-hand below what is reserved, with 409', async () => {
    await app.http.put('/v1/inventory/stock/INV-2').send({ onHand: 3 }).expect(200);
    // hold two units through inventory's published command, as ordering does
    await serviceSeam(app.app.get(Seam)).send(new ReserveStock(randomUUID(), [{ sku: 'INV-2', quantity: 2 }]));

    const response = await app.http.put('/v1/inventory/stock/INV-2').send({ onHand: 1 }).expect(409);
    expect(response.body).toMatchObject({ code: 'inventory.on-hand-below-reserved', onHand: 1, reserved: 2 });
    await app.http.put('/v1/inventory/stock/INV-2').send({ onHand: 2 }).expect(200);
    await app.http.get('/v1/inventory/stock/INV-2').expect(200, { sku: 'INV-2', onHand: 2, reserved: 2, available: 0 });
  });

  it.each([
    ['a negative count', { onHand: -1 }],
    ['a fractional count', { onHand: 1.5 }],
    ['a missing count', {}],
    ['an unknown property', { onHand: 1, reserved: 0 }],
  ])('rejects stock with %s with 400', async (_, body) => {
    const response = await app.http.put('/v1/inventory/stock/INV-3').send(body).expect(400);
    expect(response.body.code).toBe('request.invalid');
  });

  it.each(['lower-case', 'X'.repeat(65)])('rejects the malformed sku %s in the path with 400', async (sku) => {
    const put = await app.http.put(`/v1/inventory/stock/${sku}`).send({ onHand: 1 }).expect(400);
    expect(put.body.errors).toEqual([expect.objectContaining({ field: 'sku' })]);
    await app.http.get(`/v1/inventory/stock/${sku}`).expect(400);
    await app.http.get(`/v1/catalog/products/${sku}`).expect(400);
  });

  it('answers 404 for a sku with no stock recorded', async () => {
    const response = await app.http.get('/v1/inventory/stock/NONE-1').expect(404);
    expect(response.body).toMatchObject({ code: 'inventory.stock-not-found' });
  });
});

// @uses-modules catalog inventory ordering payments
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * `__proto__`, `constructor` and `prototype` in a JSON body are plain keys after JSON.parse,
 * and the DTO conversion drops them silently; they are refused like every unknown property.
 */
describe('prototype keys in a request body', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(() => app?.close());

  const post = (path: string, raw: string) => app.http.post(path).set('content-type', 'application/json').send(raw);

  it.each([
    ['/v1/orders', '{"lines":[{"sku":"TEA-1","quantity":1}],"__proto__":{"admin":true}}', '__proto__'],
    ['/v1/orders', '{"lines":[{"sku":"TEA-1","quantity":1,"constructor":{"prototype":{"x":1}}}]}', 'lines[0].constructor'],
    ['/v1/catalog/products', '{"sku":"PROTO-1","name":"P","priceMinor":1,"currency":"EUR","prototype":1}', 'prototype'],
  ])('refuses %s with %s: 400 naming the key', async (path, raw, field) => {
    const response = await post(path, raw).expect(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'request.invalid', errors: [{ field, message: 'property should not exist' }] });
  });

  it('still takes the same body without the key', async () => {
    await post('/v1/catalog/products', '{"sku":"PROTO-2","name":"P","priceMinor":1,"currency":"EUR"}').expect(201);
  });
});

// @uses-modules catalog
import { startTestApp, type TestApp } from '../support/test-app';

/** `GET /v1/catalog/products?limit=&cursor=`: keyset pages in sku order. */
describe('listing products a page at a time', () => {
  let app: TestApp;
  const skus = Array.from({ length: 23 }, (_, i) => `PAGE-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    app = await startTestApp();
    // registered out of order: the list's order is the sku's, not the insertion's
    for (const sku of [...skus].reverse()) {
      await app.http.post('/v1/catalog/products').send({ sku, name: `Product ${sku}`, priceMinor: 100, currency: 'EUR' }).expect(201);
    }
  });

  afterAll(() => app?.close());

  async function walk(limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const { body } = await app.http.get('/v1/catalog/products').query({ limit, ...(cursor && { cursor }) }).expect(200);
      pages.push(body.items.map((item: { sku: string }) => item.sku));
      cursor = body.nextCursor ?? undefined;
      expect(pages.length).toBeLessThanOrEqual(skus.length + 1);
    } while (cursor);
    return pages;
  }

  it.each([1, 5, 23, 100])('gives every product exactly once, in sku order, over pages of %i', async (limit) => {
    const pages = await walk(limit);
    expect(pages.flat()).toEqual([...skus].sort());
    expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
    expect(pages.length).toBe(Math.max(1, Math.ceil(skus.length / limit)));
  });

  it('answers the same pages when asked again', async () => {
    expect(await walk(7)).toEqual(await walk(7));
  });

  it('answers 20 products when no limit is given, with the full product', async () => {
    const { body } = await app.http.get('/v1/catalog/products').expect(200);
    expect(body.items).toHaveLength(20);
    expect(body.items[0]).toEqual({ sku: 'PAGE-00', name: 'Product PAGE-00', priceMinor: 100, currency: 'EUR' });
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=2.5', 'limit'],
    ['limit=many', 'limit'],
    ['cursor=%25%25', 'cursor'],
    [`cursor=${Buffer.from('not a sku').toString('base64url')}`, 'cursor'],
    ['page=2', 'page'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const response = await app.http.get(`/v1/catalog/products?${query}`).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'request.invalid', errors: [expect.objectContaining({ field })] });
  });
});

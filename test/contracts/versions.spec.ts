import { GetProducts, GetProductsV2 } from '../../modules/catalog/contract';
import { Seam } from '@seams/kernel/seam';
import { customerBearer } from '../support/auth';
import { type Cluster, startCluster } from '../support/cluster';
import { shop } from '../support/shop';
import { serviceSeam } from '@seams/kernel/testing';

/**
 * Coexisting versions: a message in v1 and v2 at once, served by one module host, and an HTTP
 * route in /v1 (deprecated, with Deprecation and Sunset) and /v2 (more fields).
 */
describe('versions side by side', () => {
  let cluster: Cluster;
  let seam: Seam;

  beforeAll(async () => {
    cluster = await startCluster({ remote: ['catalog'] });
    seam = serviceSeam(cluster.monolith.get(Seam));
    const s = shop(cluster.http);
    await s.product('VER-1', 300);
    await s.product('VER-2', 500);
    await s.stock('VER-1', 10);
  });

  afterAll(() => cluster?.close());

  it('lets a caller on catalog.get-products.v1 and one on .v2 use the same catalog host at once', async () => {
    const [v1, v2] = await Promise.all([
      seam.ask(new GetProducts(['VER-1', 'NOPE-1', 'VER-2'])),
      seam.ask(new GetProductsV2(['VER-1', 'NOPE-1', 'VER-2'])),
    ]);
    const products = [
      { sku: 'VER-1', name: 'Product VER-1', priceMinor: 300, currency: 'EUR' },
      { sku: 'VER-2', name: 'Product VER-2', priceMinor: 500, currency: 'EUR' },
    ];
    // v1 keeps its answer: the products found, the unknown sku left out
    expect([...v1].sort((a, b) => a.sku.localeCompare(b.sku))).toEqual(products);
    // v2 names the unknown skus
    expect({ ...v2, products: [...v2.products].sort((a, b) => a.sku.localeCompare(b.sku)) }).toEqual({ products, unknownSkus: ['NOPE-1'] });
    const host = cluster.host('catalog');
    await host.waitForLog({ event: 'seam.handled', message: 'catalog.get-products.v1', outcome: 'ok' });
    await host.waitForLog({ event: 'seam.handled', message: 'catalog.get-products.v2', outcome: 'ok' });
    // and ordering, still on v1, keeps working against that host
    await shop(cluster.http).order([{ sku: 'VER-1', quantity: 2 }]).expect(201);
  });

  it('validates each version against its own schema', async () => {
    await expect(seam.ask(new GetProductsV2(['bad sku']))).rejects.toMatchObject({ code: 'seam.invalid-message' });
  });

  it('serves GET /v1/orders/{id} deprecated, with Deprecation, Sunset and a Link to /v2, which has more fields', async () => {
    const { body: placed } = await shop(cluster.http).order([{ sku: 'VER-1', quantity: 3 }], 'vera').expect(201);
    const v1 = await cluster.http('ordering').get(`/v1/orders/${placed.id}`).expect(200);
    expect(v1.headers.deprecation).toMatch(/^@\d+$/);
    expect(new Date(v1.headers.sunset).getTime()).toBeGreaterThan(Date.now());
    expect(v1.headers.link).toBe(`</v2/orders/${placed.id}>; rel="successor-version"`);
    expect(v1.body).not.toHaveProperty('itemCount');

    const v2 = await cluster.http('ordering').get(`/v2/orders/${placed.id}`).expect(200);
    expect(v2.headers.deprecation).toBeUndefined();
    expect(v2.body).toMatchObject({ id: placed.id, customerId: 'vera', itemCount: 3, lines: [{ sku: 'VER-1', quantity: 3, unitPriceMinor: 300, lineTotalMinor: 900 }] });
    // the same rules: someone else's order does not exist
    await cluster.http('ordering').get(`/v2/orders/${placed.id}`).set('authorization', customerBearer('mallory')).expect(404);

    const { body: document } = await cluster.http('ordering').get('/docs-json').expect(200);
    expect(document.paths['/v1/orders/{id}'].get.deprecated).toBe(true);
    expect(document.paths['/v2/orders/{id}'].get.deprecated).toBeUndefined();
  });
});

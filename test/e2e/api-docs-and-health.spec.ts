// @uses-modules catalog, inventory, ordering, payments
import { MANIFESTS } from '../../src/host/manifests';
import { DatabaseRegistry } from '@seams/kernel/persistence';
import { startTestApp, type TestApp } from '../support/test-app';

interface Operation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

describe('API documentation and health', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(() => app?.close());

  it('serves the Swagger UI at /docs', async () => {
    const response = await app.http.get('/docs').expect(200);
    expect(response.text).toMatch(/swagger-ui/i);
  });

  it('documents every route with its request, response and problem schemas', async () => {
    const { body: document } = await app.http.get('/docs-json').expect(200);
    const paths = document.paths as Record<string, Record<string, Operation>>;
    const routes = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // Routes of modules beyond the shop's four (registered in src/host/manifests.ts) are theirs to
    // document; each must lie under a route prefix its manifest declares.
    const shop = ['catalog', 'inventory', 'ordering', 'payments'];
    const otherPrefixes = MANIFESTS.filter((manifest) => !shop.includes(manifest.name)).flatMap((manifest) => manifest.routes);
    const otherModules = (route: string) => otherPrefixes.some((prefix) => route.split(' ')[1].startsWith(`${prefix}/`));
    expect(routes.filter((route) => !otherModules(route)).sort()).toEqual(
      [
        'GET /health',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
        'GET /v1/admin/events',
        'GET /v1/admin/events/stats',
        'GET /v1/admin/shadow',
        'POST /v1/admin/events/{id}/retry',
        'GET /v1/admin/replays',
        'GET /v1/admin/replays/{id}',
        'POST /v1/admin/replays',
        'POST /v1/admin/replays/{id}/stop',
        'GET /v1/catalog/products',
        'GET /v1/catalog/products/{sku}',
        'GET /v1/inventory/stock/{sku}',
        'GET /v1/orders/{id}',
        'GET /v2/orders/{id}',
        'GET /v1/payments',
        'POST /v1/catalog/products',
        'POST /v1/orders',
        'PUT /v1/inventory/stock/{sku}',
      ].sort(),
    );

    for (const [path, methods] of Object.entries(paths)) {
      if (!/^\/v\d+\//.test(path)) continue;
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        expect({ where, success: success.map(([, r]) => r.content?.['application/json']?.schema).filter(Boolean).length }).toEqual({
          where,
          success: 1,
        });
        const problems = Object.entries(operation.responses).filter(([status]) => /^[45]/.test(status));
        expect({ where, problems: problems.length > 0 }).toEqual({ where, problems: true });
        for (const [, problem] of problems) {
          expect(problem.content?.['application/problem+json']?.schema).toEqual({ $ref: '#/components/schemas/ProblemDto' });
        }
        // (a retry or a stop of something named in the path takes no body)
        if ((method === 'post' || method === 'put') && !path.endsWith('/retry') && !path.endsWith('/stop')) {
          expect({ where, body: operation.requestBody?.content['application/json']?.schema }).toEqual({
            where,
            body: expect.objectContaining({ $ref: expect.any(String) }),
          });
        }
      }
    }
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['ProblemDto', 'PlaceOrderDto', 'OrderLineRequestDto', 'OrderDto', 'StockDto', 'ProductDto']),
    );
    expect(paths['/v1/orders'].post.responses).toEqual(
      expect.objectContaining({ '201': expect.anything(), '400': expect.anything(), '409': expect.anything(), '422': expect.anything() }),
    );
  });

  it("reports every module's database as up, at /health and /health/ready", async () => {
    for (const path of ['/health', '/health/ready']) {
      const response = await app.http.get(path).expect(200);
      expect(response.body.status).toBe('ok');
      expect(Object.keys(response.body.details).sort()).toEqual([...MANIFESTS.map((manifest) => `database:${manifest.name}`), 'process'].sort());
    }
  });

  it('answers liveness without checking anything', async () => {
    const response = await app.http.get('/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
  });

  it('answers 503 naming the module whose database is gone', async () => {
    const inventory = app.app
      .get(DatabaseRegistry)
      .all()
      .find((database) => database.module === 'inventory')!;
    await inventory.dataSource.destroy();

    const response = await app.http.get('/health').expect(503);
    expect(response.body.status).toBe('error');
    expect(response.body.error).toHaveProperty('database:inventory');
    expect(response.body.details['database:catalog'].status).toBe('up');
  });
});

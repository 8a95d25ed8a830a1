// @uses-modules catalog, inventory
import request from 'supertest';
import { adminBearer, customerBearer } from '../support/auth';
import { type Cluster, startCluster } from '../support/cluster';

/**
 * Strangler routing: inventory runs in its own host, and the monolith forwards inventory's
 * HTTP routes there, so clients keep one address and one OpenAPI document.
 */
describe("the monolith forwarding a remote module's routes to its host", () => {
  let cluster: Cluster;
  let monolith: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    cluster = await startCluster({ remote: ['inventory'], strangle: true });
    monolith = request.agent(cluster.monolith.getHttpServer()).set('authorization', adminBearer());
    await monolith.post('/v1/catalog/products').send({ sku: 'STR-1', name: 'S', priceMinor: 10, currency: 'EUR' }).expect(201);
  });

  afterAll(() => cluster?.close());

  it('serves inventory through the monolith: writes and reads reach the host, with the body and the token', async () => {
    const put = await monolith.put('/v1/inventory/stock/STR-1').set('x-request-id', 'strangled-1').send({ onHand: 7 }).expect(200);
    expect(put.body).toEqual({ sku: 'STR-1', onHand: 7, reserved: 0, available: 7 });
    expect(put.headers['x-request-id']).toBe('strangled-1');
    // the host has it: it answered, not the monolith
    await cluster.http('inventory').get('/v1/inventory/stock/STR-1').expect(200, { sku: 'STR-1', onHand: 7, reserved: 0, available: 7 });
    await cluster.host('inventory').waitForLog({ correlationId: 'strangled-1', msg: /^PUT \/v1\/inventory\/stock\/STR-1 200/ });
    // and an order placed at the monolith reserves in the host as before
    await monolith.post('/v1/orders').send({ lines: [{ sku: 'STR-1', quantity: 2 }] }).expect(201);
  });

  it("passes the host's answers through unchanged, errors included", async () => {
    const direct = await cluster.http('inventory').get('/v1/inventory/stock/NOPE-1').expect(404);
    const forwarded = await monolith.get('/v1/inventory/stock/NOPE-1').expect(404);
    expect(forwarded.headers['content-type']).toBe(direct.headers['content-type']);
    expect({ ...forwarded.body, correlationId: undefined }).toEqual({ ...direct.body, correlationId: undefined });
    // the host checks the token itself
    const anonymous = await request(cluster.monolith.getHttpServer()).get('/v1/inventory/stock/STR-1').expect(401);
    expect(anonymous.body.code).toBe('auth.unauthenticated');
    await request(cluster.monolith.getHttpServer()).put('/v1/inventory/stock/STR-1').set('authorization', customerBearer('c')).send({ onHand: 1 }).expect(403);
    const invalid = await monolith.put('/v1/inventory/stock/STR-1').send({ onHand: -1 }).expect(400);
    expect(invalid.body.code).toBe('request.invalid');
  });

  it("lists the host's routes in the monolith's OpenAPI document", async () => {
    const { body: document } = await request(cluster.monolith.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/inventory/stock/{sku}', '/v1/orders', '/v1/catalog/products']));
    expect(document.paths['/v1/inventory/stock/{sku}'].put.requestBody).toBeDefined();
    expect(document.components.schemas).toHaveProperty('StockDto');
  });

  it('answers 503 with a problem while the host is down, and serves again when it is back', async () => {
    await cluster.host('inventory').stop('SIGKILL');
    const down = await monolith.get('/v1/inventory/stock/STR-1').expect(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.headers['retry-after']).toBe('1');
    expect(down.body).toMatchObject({ code: 'seam.unavailable', module: 'inventory', status: 503 });
    // the rest of the monolith keeps serving
    await monolith.get('/v1/catalog/products/STR-1').expect(200);
    await cluster.startHost('inventory');
    await monolith.get('/v1/inventory/stock/STR-1').expect(200);
  });
});

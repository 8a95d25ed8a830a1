// @uses-modules catalog, inventory
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer, testAuthEnv } from '../support/auth';
import { freePort } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** Answers a newcomer meets first: a body sent without JSON's media type, a route of a module that runs elsewhere. */
describe('HTTP answers for a newcomer', () => {
  let database: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...testAuthEnv(), SEAMS_INVENTORY: 'remote', SEAMS_INVENTORY_URL: `tcp://127.0.0.1:${await freePort()}` };
    app = await createApp({ database: { url: database.url, poolSize: 2 }, env, logger: false });
    await startApp(app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const product = JSON.stringify({ sku: 'FIRST-1', name: 'Tea', priceMinor: 100, currency: 'EUR' });

  it.each([
    ['no Content-Type', undefined, 'the request has no Content-Type'],
    ['text/plain', 'text/plain; charset=utf-8', 'not text/plain'],
    ['a form', 'application/x-www-form-urlencoded', 'not application/x-www-form-urlencoded'],
    ['a +json type the parser does not read', 'application/merge-patch+json', 'not application/merge-patch+json'],
  ])('answers 415 naming application/json to a body sent with %s, not validation messages', async (_, contentType, said) => {
    const sent = request(app.getHttpServer()).post('/v1/catalog/products').set('authorization', adminBearer());
    if (contentType) sent.set('content-type', contentType);
    else sent.unset('content-type');
    const response = await sent.send(Buffer.from(product));
    expect(response.status).toBe(415);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'urn:seams:problem:request.unsupported-media-type',
      status: 415,
      code: 'request.unsupported-media-type',
      detail: `The body must be JSON: send it with Content-Type: application/json (${said})`,
    });
    expect(response.body.errors).toBeUndefined();
  });

  it('still takes JSON bodies (application/json, with a charset too), and a bodiless POST reaches validation', async () => {
    const json = await request(app.getHttpServer()).post('/v1/catalog/products').set('authorization', adminBearer()).set('content-type', 'application/json; charset=utf-8').send(product);
    expect(json.status).toBe(201);
    const empty = await request(app.getHttpServer()).post('/v1/catalog/products').set('authorization', adminBearer());
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('request.invalid');
  });

  it('answers a route of a module that runs elsewhere with a problem naming the module and the setting that forwards it', async () => {
    for (const [method, path] of [['get', '/v1/inventory/stock/TEA-1'], ['post', '/v1/inventory/stock']] as const) {
      const response = await request(app.getHttpServer())[method](path).set('authorization', adminBearer());
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: 'urn:seams:problem:module.elsewhere',
        code: 'module.elsewhere',
        module: 'inventory',
        setting: 'SEAMS_INVENTORY_HTTP_URL',
        instance: path,
      });
      expect(response.body.detail).toBe(
        `The inventory module runs in another process (its module host), so this one does not serve ${method.toUpperCase()} ${path}: ` +
          "call the inventory host's HTTP address, or set SEAMS_INVENTORY_HTTP_URL=http://host:port here to forward its routes to it",
      );
      expect(response.body.detail).not.toMatch(/tcp:\/\//);
    }
    // A route that exists nowhere is still the plain 404.
    const nowhere = await request(app.getHttpServer()).get('/v1/nowhere').set('authorization', adminBearer());
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.code).toBe('request.not-found');
  });
});

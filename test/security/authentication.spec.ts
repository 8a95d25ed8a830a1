import request from 'supertest';
import { ADMIN_SUBJECT, bearer, customerBearer, tokenFor } from '../support/auth';
import { shop } from '../support/shop';
import { startTestApp, type TestApp } from '../support/test-app';

interface Operation {
  security?: Record<string, unknown>[];
}

const PUBLIC = /^\/(health|metrics)(\/|$)/;

/** A concrete path for an OpenAPI path template. */
function concrete(path: string): string {
  return path.replace('{id}', '00000000-0000-4000-8000-000000000000').replace('{sku}', 'AUTH-1');
}

describe('authentication and roles on every route', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(() => app?.close());

  /** Tokens that must all be refused with 401. */
  function badTokens(): [string, string | undefined][] {
    const good = tokenFor({ sub: 'mallory', roles: ['admin'] });
    const [header, payload, signature] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'admin' })).toString('base64url');
    return [
      ['no token', undefined],
      ['an expired token', `Bearer ${tokenFor({ sub: 'mallory', roles: ['admin'], expiresIn: -120 })}`],
      ['a token of another issuer', `Bearer ${tokenFor({ sub: 'mallory', roles: ['admin'], issuer: 'https://evil.example' })}`],
      ['a token for another audience', `Bearer ${tokenFor({ sub: 'mallory', roles: ['admin'], audience: 'another-api' })}`],
      ['a token signed with another key', `Bearer ${tokenFor({ sub: 'mallory', roles: ['admin'], foreignKey: true })}`],
      ['a tampered token', `Bearer ${header}.${forged}.${signature}`],
      ['a token with no signature', `Bearer ${header}.${payload}.`],
      ['another scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ];
  }

  it('refuses every protected route of the OpenAPI document without a valid token (401 problem), and protects all but health and metrics', async () => {
    const { body: document } = await app.anonymous.get('/docs-json').expect(200);
    const operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    const protectedOnes = operations.filter(({ path }) => !PUBLIC.test(path));
    expect(protectedOnes.length).toBeGreaterThanOrEqual(10);
    for (const { path, method, operation } of operations) {
      // the document says which routes need a token, and it must say it of every one but health and metrics
      expect({ route: `${method} ${path}`, bearer: Boolean(operation.security?.some((scheme) => 'bearer' in scheme)) }).toEqual({
        route: `${method} ${path}`,
        bearer: !PUBLIC.test(path),
      });
    }
    for (const { path, method } of protectedOnes) {
      for (const [label, authorization] of badTokens()) {
        let call = (app.anonymous as unknown as Record<string, (url: string) => request.Test>)[method](concrete(path));
        if (authorization) call = call.set('authorization', authorization);
        const response = await call.send({});
        expect({ route: `${method.toUpperCase()} ${path}`, label, status: response.status, code: response.body.code }).toEqual({
          route: `${method.toUpperCase()} ${path}`,
          label,
          status: 401,
          code: 'auth.unauthenticated',
        });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      }
    }
    for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) await app.anonymous.get(path).expect(200);
  });

  it('says why a token is refused', async () => {
    const expired = await app.anonymous.get('/v1/catalog/products/AUTH-1').set('authorization', `Bearer ${tokenFor({ sub: 'x', expiresIn: -120 })}`).expect(401);
    expect(expired.body.detail).toMatch(/expired/);
    const foreign = await app.anonymous.get('/v1/catalog/products/AUTH-1').set('authorization', `Bearer ${tokenFor({ sub: 'x', issuer: 'https://evil.example' })}`).expect(401);
    expect(foreign.body.detail).toMatch(/issuer this service does not trust/);
  });

  it('lets only admins manage the catalog, stock and parked events (403 problem otherwise)', async () => {
    const customer = customerBearer('carol');
    const forbidden = await app.anonymous
      .post('/v1/catalog/products')
      .set('authorization', customer)
      .send({ sku: 'AUTH-1', name: 'A', priceMinor: 100, currency: 'EUR' })
      .expect(403);
    expect(forbidden.body).toMatchObject({ code: 'auth.forbidden', required: ['admin'] });
    await app.anonymous.put('/v1/inventory/stock/AUTH-1').set('authorization', customer).send({ onHand: 5 }).expect(403);
    await app.anonymous.get('/v1/admin/events').set('authorization', customer).expect(403);
    await app.anonymous.get('/v1/payments').query({ orderId: '00000000-0000-4000-8000-000000000000' }).set('authorization', customer).expect(403);
    // a token with no role at all may read the catalog but not order
    await app.http.post('/v1/catalog/products').send({ sku: 'AUTH-1', name: 'A', priceMinor: 100, currency: 'EUR' }).expect(201);
    await app.anonymous.get('/v1/catalog/products/AUTH-1').set('authorization', bearer('dave')).expect(200);
    await app.anonymous.post('/v1/orders').set('authorization', bearer('dave')).send({ lines: [{ sku: 'AUTH-1', quantity: 1 }] }).expect(403);
  });

  it("places orders for the token's subject and shows a customer only their own", async () => {
    const s = shop(app.http);
    await s.product('OWN-1', 100);
    await s.stock('OWN-1', 10);
    const { body: placed } = await s.order([{ sku: 'OWN-1', quantity: 1 }], 'alice').expect(201);

    const own = await app.anonymous.get(`/v1/orders/${placed.id}`).set('authorization', customerBearer('alice')).expect(200);
    expect(own.body.customerId).toBe('alice');
    const other = await app.anonymous.get(`/v1/orders/${placed.id}`).set('authorization', customerBearer('bob')).expect(404);
    expect(other.body).toMatchObject({ code: 'ordering.order-not-found' });
    const admin = await app.http.get(`/v1/orders/${placed.id}`).expect(200);
    expect(admin.body.customerId).toBe('alice');
    expect(ADMIN_SUBJECT).not.toBe('alice');
  });
});

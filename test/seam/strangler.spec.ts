import request from 'supertest';
import { adminBearer, customerBearer } from '../support/auth';
import { type Cluster, startCluster } from '../support/cluster';
import type { ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules: alpha in the monolith (its routes send to bravo too), bravo in its own host. */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [] },
  ],
};

/**
 * Strangler routing: bravo runs in its own host, and the monolith forwards bravo's HTTP routes
 * there, so clients keep one address and one OpenAPI document.
 */
describe("the monolith forwarding a remote module's routes to its host", () => {
  let cluster: Cluster;
  let monolith: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    cluster = await startCluster({ system: SYSTEM, remote: ['bravo'], strangle: true });
    monolith = request.agent(cluster.monolith.getHttpServer()).set('authorization', adminBearer());
  }, 90_000);

  afterAll(() => cluster?.close());

  it('serves bravo through the monolith: writes and reads reach the host, with the body and the token', async () => {
    const put = await monolith.put('/v1/bravo/items/str-1').set('x-request-id', 'strangled-1').send({ value: 7 }).expect(200);
    expect(put.body).toEqual({ key: 'str-1', seq: 1 });
    expect(put.headers['x-request-id']).toBe('strangled-1');
    // the host has it: it answered, not the monolith
    await cluster.http('bravo').get('/v1/bravo/items/str-1').expect(200, { key: 'str-1', seq: 1, value: 7 });
    await cluster.host('bravo').waitForLog({ correlationId: 'strangled-1', msg: /^PUT \/v1\/bravo\/items\/str-1 200/ });
    // and a route of the monolith that sends to bravo reaches the host as before
    await monolith.put('/v1/alpha/forward/bravo/items/str-1').send({ value: 8 }).expect(200, { key: 'str-1', seq: 2 });
  });

  it("passes the host's answers through unchanged, errors included", async () => {
    const direct = await cluster.http('bravo').get('/v1/bravo/items/nope-1').expect(404);
    const forwarded = await monolith.get('/v1/bravo/items/nope-1').expect(404);
    expect(forwarded.headers['content-type']).toBe(direct.headers['content-type']);
    expect({ ...forwarded.body, correlationId: undefined }).toEqual({ ...direct.body, correlationId: undefined });
    // the host checks the token itself
    const anonymous = await request(cluster.monolith.getHttpServer()).get('/v1/bravo/items/str-1').expect(401);
    expect(anonymous.body.code).toBe('auth.unauthenticated');
    await request(cluster.monolith.getHttpServer()).put('/v1/bravo/items/str-1').set('authorization', customerBearer('c')).send({ value: 1 }).expect(403);
    const invalid = await monolith.put('/v1/bravo/items/str-1').send({ value: -1 }).expect(400);
    expect(invalid.body.code).toBe('request.invalid');
  });

  it("lists the host's routes in the monolith's OpenAPI document", async () => {
    const { body: document } = await request(cluster.monolith.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/bravo/items/{key}', '/v1/alpha/items/{key}', '/v1/alpha/forward/{other}/items/{key}']));
    expect(document.paths['/v1/bravo/items/{key}'].put.requestBody).toBeDefined();
    expect(document.paths['/v1/bravo/items/{key}'].put.responses['200'].content['application/json'].schema).toBeDefined();
  });

  it('answers 503 with a problem while the host is down, and serves again when it is back', async () => {
    await cluster.host('bravo').stop('SIGKILL');
    const down = await monolith.get('/v1/bravo/items/str-1').expect(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.headers['retry-after']).toBe('1');
    expect(down.body).toMatchObject({ code: 'seam.unavailable', module: 'bravo', status: 503 });
    // the rest of the monolith keeps serving
    await monolith.put('/v1/alpha/items/str-1').send({ value: 1 }).expect(200);
    await cluster.startHost('bravo');
    await monolith.get('/v1/bravo/items/str-1').expect(200);
  });
});

import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp, startApp } from '../../src/host/create-app';
import { bearer, testAuthEnv } from '../support/auth';
import { freePort } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests } from '../sim/probe-system';

/**
 * The issuer's JSON Web Key Set is fetched from its URL (a server of this test). While it
 * cannot be had, a request with a token answers 503 `auth.unavailable` with Retry-After (the
 * token may be fine: a client should try again), not 401 (which tells a client to log in
 * again); a token that is not a JWT is still 401; once the key set answers, the same token passes.
 */
describe('a JWKS outage', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let jwks: Server | undefined;
  let port: number;
  let answer: 'keys' | 'error' = 'keys';
  const jwk = { ...createPublicKey(readFileSync(process.env.SEAMS_AUTH_PUBLIC_KEY!, 'utf8')).export({ format: 'jwk' }), alg: 'ES256', use: 'sig' };

  const startJwks = async () => {
    jwks = createServer((_request, response) => {
      if (answer === 'error') {
        response.statusCode = 500;
        return response.end('down for maintenance');
      }
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks!.listen(port, '127.0.0.1', resolve));
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
    const env = { ...testAuthEnv(), SEAMS_AUTH_PUBLIC_KEY: '', SEAMS_AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` };
    // the kernel's probe module alpha and its route GET /v1/alpha/items/:key: no shop module
    app = await createApp({ manifests: probeManifests({ modules: [{ name: 'alpha', subscriptions: [] }] }, { slowMs: 1000 }), database: { url: database.url, poolSize: 2 }, env, logger: false });
    await startApp(app, 0, '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (jwks) await new Promise((resolve) => jwks!.close(resolve));
    await database?.drop();
  });

  const get = (authorization: string) => request(app.getHttpServer()).get('/v1/alpha/items/jwks-out').set('authorization', authorization);

  it('answers 503 with Retry-After while the key set cannot be fetched (nothing listens)', async () => {
    const response = await get(bearer('jwks-1', 'admin'));
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.body).toMatchObject({ code: 'auth.unavailable', status: 503 });
  });

  it('answers 503 while the key set\'s server answers an error', async () => {
    answer = 'error';
    await startJwks();
    expect((await get(bearer('jwks-2', 'admin'))).status).toBe(503);
  });

  it('still answers 401 for a token that is not a JWT', async () => {
    expect((await get('Bearer not-a-token')).status).toBe(401);
  });

  it('lets the same token through once the key set answers', async () => {
    answer = 'keys';
    await get(bearer('jwks-2', 'admin')).expect(404); // the item does not exist: authenticated
  });
});

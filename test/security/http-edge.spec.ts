import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer, testAuthEnv, tokenFor } from '../support/auth';
import { makeIdentity } from '../support/certificates';
import { freePort, PROBE_MAIN, ROOT, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

/** The kernel's probe module alpha and its routes (test/sim/probe-system.ts): no shop module. */
const SYSTEM: ProbeSystem = { modules: [{ name: 'alpha', subscriptions: [] }] };
const manifests = () => probeManifests(SYSTEM, { slowMs: 1000 });

/** The HTTP edge: headers, CORS, body size, rate limit, HTTPS, and which token issuers a process trusts. */
describe('the HTTP edge', () => {
  let database: TestDatabase;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.drop();
  });

  async function app(env: Record<string, string>): Promise<INestApplication> {
    const created = await createApp({ manifests: manifests(), database: { url: database.url, poolSize: 2 }, env: { ...testAuthEnv(), ...env }, logger: false });
    apps.push(created);
    await startApp(created, 0, '127.0.0.1');
    return created;
  }

  it('sends security headers, and no CORS headers unless origins are configured', async () => {
    const server = (await app({})).getHttpServer();
    const response = await request(server).get('/v1/alpha/items/edge-1').set('authorization', adminBearer()).set('origin', 'https://evil.example');
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringMatching(/max-age=/),
      'content-security-policy': expect.stringMatching(/default-src 'self'/),
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(server).options('/v1/alpha/items/edge-1').set('origin', 'https://evil.example').set('access-control-request-method', 'PUT');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    // the Swagger UI needs its inline script: no content security policy there
    const docs = await request(server).get('/docs').expect(200);
    expect(docs.headers['content-security-policy']).toBeUndefined();
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
  });

  it('allows the configured origins only', async () => {
    const server = (await app({ SEAMS_CORS_ORIGINS: 'https://app.example' })).getHttpServer();
    const allowed = await request(server).options('/v1/alpha/items/edge-1').set('origin', 'https://app.example').set('access-control-request-method', 'PUT');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    const other = await request(server).options('/v1/alpha/items/edge-1').set('origin', 'https://evil.example').set('access-control-request-method', 'PUT');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 413 with a problem for a body over the limit', async () => {
    const server = (await app({ SEAMS_BODY_LIMIT: '1kb' })).getHttpServer();
    const response = await request(server)
      .put('/v1/alpha/items/big-1')
      .set('authorization', adminBearer())
      .send({ value: 1, padding: 'x'.repeat(2000) })
      .expect(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 413 });
  });

  it('answers 429 with Retry-After beyond the rate limit, but never limits health checks', async () => {
    const server = (await app({ SEAMS_RATE_LIMIT: '5' })).getHttpServer();
    const agent = request.agent(server).set('authorization', adminBearer());
    for (let i = 0; i < 5; i++) await agent.get('/v1/alpha/items/rate-1').expect(404);
    const limited = await agent.get('/v1/alpha/items/rate-1').expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    for (let i = 0; i < 10; i++) await request(server).get('/health/live').expect(200);
  });

  it('serves HTTPS when a certificate and key are configured', async () => {
    const tls = makeIdentity('https');
    const port = await freePort();
    const host = startAppProcess({ DATABASE_URL: database.url, PORT: String(port), SEAMS_HTTPS_CERT: tls.cert, SEAMS_HTTPS_KEY: tls.key }, {}, PROBE_MAIN);
    try {
      await host.waitFor(/API at/);
      const status = await new Promise<number>((resolve, reject) => {
        const call = httpsRequest({ host: '127.0.0.1', port, path: '/health/live', ca: readFileSync(tls.ca) }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        call.on('error', reject);
        call.end();
      });
      expect(status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow(); // plain HTTP is not served
    } finally {
      await host.stop();
    }
  });

  it('trusts an issuer by its JWKS URL', async () => {
    // the test issuer's public key, published as a JSON Web Key Set by a server of this test
    const jwk = { ...createPublicKey(readFileSync(process.env.SEAMS_AUTH_PUBLIC_KEY!, 'utf8')).export({ format: 'jwk' }), alg: 'ES256', use: 'sig' };
    const jwks = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`;
      const server = (await app({ SEAMS_AUTH_PUBLIC_KEY: '', SEAMS_AUTH_JWKS_URL: url })).getHttpServer();
      await request(server).get('/v1/alpha/items/jwks-1').set('authorization', adminBearer()).expect(404);
      await request(server).get('/v1/alpha/items/jwks-1').set('authorization', `Bearer ${tokenFor({ sub: 'x', foreignKey: true })}`).expect(401);
    } finally {
      await new Promise((resolve) => jwks.close(resolve));
    }
  });

  describe('the development issuer', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seams-auth-'));
    const token = (args: string[], env: Record<string, string> = {}) =>
      execFileSync(process.execPath, [join(ROOT, 'dist', 'src', 'host', 'token-cli.js'), ...args], {
        env: { PATH: process.env.PATH, SEAMS_DATA_DIR: dataDir, ...env },
        encoding: 'utf8',
      }).trim();

    it('signs tokens with `npm run token` that a process trusts only with SEAMS_AUTH_DEV=on', async () => {
      const alice = token(['--sub', 'alice', '--role', 'customer']);
      expect(alice).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const claims = JSON.parse(Buffer.from(alice.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ iss: 'seams-dev', sub: 'alice', roles: ['customer'], aud: 'seams' });

      const trusting = (await app({ SEAMS_DATA_DIR: dataDir, SEAMS_AUTH_DEV: 'on' })).getHttpServer();
      await request(trusting).get('/v1/alpha/items/dev-1').set('authorization', `Bearer ${alice}`).expect(404);
      const strict = (await app({ SEAMS_DATA_DIR: dataDir })).getHttpServer();
      const refused = await request(strict).get('/v1/alpha/items/dev-1').set('authorization', `Bearer ${alice}`).expect(401);
      expect(refused.body.detail).toMatch(/issuer this service does not trust/);
    });

    it('keeps its key private without locking other users out of the data directory', () => {
      // A data directory that does not exist yet, as on a fresh clone: `npm start` makes it.
      const fresh = join(dataDir, 'fresh', '.data');
      token(['--sub', 'alice', '--role', 'customer'], { SEAMS_DATA_DIR: fresh });
      const mode = (path: string) => statSync(path).mode & 0o777;
      expect(mode(join(fresh, 'auth'))).toBe(0o700);
      expect(mode(join(fresh, 'auth', 'dev-signing-key.json'))).toBe(0o600);
      // Others may still enter it (the test suite's non-root process reads its key under .data).
      expect(mode(fresh) & 0o005).toBe(0o005);
      expect(mode(dirname(fresh)) & 0o005).toBe(0o005);
    });

    it('is refused in production, and so is a process that trusts no issuer at all', async () => {
      await expect(
        createApp({ manifests: manifests(), database: { url: database.url, poolSize: 1 }, env: { NODE_ENV: 'production', SEAMS_AUTH_DEV: 'on', SEAMS_SERVICE_SECRET: 'x'.repeat(32) }, logger: false }),
      ).rejects.toThrow(/SEAMS_AUTH_DEV=on is refused when NODE_ENV=production/);
      await expect(createApp({ manifests: manifests(), database: { url: database.url, poolSize: 1 }, env: {}, logger: false })).rejects.toThrow(/No token issuer is configured/);
      expect(() => token(['--sub', 'alice'], { NODE_ENV: 'production' })).toThrow(/refuses NODE_ENV=production/);
      expect(() => token(['--sub', 'alice', '--role', 'root'])).toThrow(/--role must be one of customer, admin/);
    });
  });
});

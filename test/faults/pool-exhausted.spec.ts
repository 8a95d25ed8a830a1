import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DatabaseRegistry } from '@seams/kernel/persistence';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer, testAuthEnv } from '../support/auth';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests } from '../sim/probe-system';

/** The kernel's probe module alpha (its route GET /v1/alpha/items/:key reads its database): no shop module. */
const manifests = () => probeManifests({ modules: [{ name: 'alpha', subscriptions: [] }] }, { slowMs: 1000 });

/**
 * A request that cannot get a database connection (every one of its module's pool is busy)
 * is answered 503 `database.unavailable` with `Retry-After` once `SEAMS_DB_ACQUIRE_TIMEOUT_MS`
 * has passed, instead of queueing for ever behind work that may never give its connection back.
 */
describe('a database pool with no free connection', () => {
  let database: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createApp({ manifests: manifests(), database: { url: database.url, poolSize: 1 }, env: { ...testAuthEnv(), SEAMS_DB_ACQUIRE_TIMEOUT_MS: '300' }, logger: false });
    await startApp(app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers 503 database.unavailable after the acquire timeout, and serves again once a connection is free', async () => {
    const alpha = app.get(DatabaseRegistry).all().find((candidate) => candidate.module === 'alpha')!;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const taken = new Promise<void>((resolve) => (holding = resolve));
    const holder = alpha.dataSource.transaction(async (manager) => {
      await manager.query('SELECT 1');
      holding();
      await held;
    });
    await taken;

    const http = request(app.getHttpServer());
    const busy = await http.get('/v1/alpha/items/pool-1').set('authorization', adminBearer());
    release();
    await holder;

    expect(busy.status).toBe(503);
    expect(busy.body).toMatchObject({ code: 'database.unavailable', status: 503 });
    expect(busy.headers['retry-after']).toBeDefined();
    const after = await http.get('/v1/alpha/items/pool-1').set('authorization', adminBearer());
    expect(after.status).toBe(404);
  });

  it('refuses an acquire timeout that is not a positive whole number, naming the setting', async () => {
    await expect(createApp({ manifests: manifests(), database: { url: database.url, poolSize: 1 }, env: { ...testAuthEnv(), SEAMS_DB_ACQUIRE_TIMEOUT_MS: 'soon' }, logger: false })).rejects.toThrow(
      /SEAMS_DB_ACQUIRE_TIMEOUT_MS/,
    );
  });
});

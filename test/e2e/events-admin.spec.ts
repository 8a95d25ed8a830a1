import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer, testAuthEnv } from '../support/auth';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules: alpha's changes go to bravo and charlie; bravo's subscriber publishes bravo.relayed, which charlie handles. */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [] },
    { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: true }] },
    { name: 'charlie', subscriptions: [{ event: 'alpha.changed.v1', handlers: 2, chain: false }, { event: 'bravo.relayed.v1', handlers: 1, chain: false }] },
  ],
};

describe('the events admin API', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let http: TestAgent;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1000 }), env: testAuthEnv(), logger: false, database: { url: database.url, poolSize: 3 } });
    await startApp(app, 0, '127.0.0.1');
    http = request.agent(app.getHttpServer()).set('authorization', adminBearer());
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('lists no parked delivery when all went well, and reports outbox depth, lag and parked count per module', async () => {
    await http.get('/v1/admin/events?status=failed').expect(200, []);
    const stats = (await http.get('/v1/admin/events/stats').expect(200)).body;
    expect(stats.map((s: { module: string }) => s.module).sort()).toEqual(['alpha', 'bravo', 'charlie']);
    for (const entry of stats) expect(entry).toEqual({ module: expect.any(String), depth: 0, lagMs: 0, parked: 0 });
  });

  it('lists delivered events: one delivery per event and subscribing module', async () => {
    await http.put('/v1/alpha/items/adm-1').send({ value: 5 }).expect(200);
    type Delivery = { name: string; publisher: string; subscriber: string; payload: { key: string } };
    const ours = (list: Delivery[]) => list.filter((d) => d.payload.key === 'adm-1' || d.payload.key === 'alpha-adm-1');
    const delivered = await eventually(
      async () => (await http.get('/v1/admin/events?status=delivered').expect(200)).body as Delivery[],
      (list) => ours(list).length >= 3,
    );
    // alpha's change to bravo and to charlie (one delivery for charlie's two subscribers), bravo's relayed event to charlie
    expect(ours(delivered).map((d) => `${d.publisher} ${d.name} → ${d.subscriber}`).sort()).toEqual([
      'alpha alpha.changed.v1 → bravo',
      'alpha alpha.changed.v1 → charlie',
      'bravo bravo.relayed.v1 → charlie',
    ]);
  });

  it('answers 404 for retrying a delivery that is not parked, and 400 for bad input', async () => {
    const missing = await http.post('/v1/admin/events/00000000-0000-4000-8000-000000000000/retry').expect(404);
    expect(missing.body).toMatchObject({ code: 'events.delivery-not-found' });
    const bad = await http.post('/v1/admin/events/nope/retry').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    await http.get('/v1/admin/events?status=lost').expect(400);
    await http.get('/v1/admin/events?limit=0').expect(400);
  });
});

import request from 'supertest';
import { Client } from 'pg';
import { adminBearer } from '../support/auth';
import { freePort } from '../support/processes';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { ProbeSystem } from '../sim/probe-system';

/**
 * The kernel's probe modules: alpha (in the monolith) publishes its changes; bravo, in a module
 * host of its own over TCP, handles each and publishes bravo.relayed in the same transaction;
 * charlie (in the monolith) handles those. A saga of two steps across two processes.
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [] },
    { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: true }] },
    { name: 'charlie', subscriptions: [{ event: 'bravo.relayed.v1', handlers: 1, chain: false }] },
  ],
};

describe('a remote subscriber that is down', () => {
  let database: TestDatabase;
  let probe: HostedProbe;
  let rows: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, {
      // the monolith serves charlie there: bravo's host delivers its relayed events to it
      env: { SEAMS_CHARLIE_URL: `tcp://127.0.0.1:${await freePort()}`, SEAMS_RATE_LIMIT: '0', SEAMS_RELAY_POLL_MS: '200', SEAMS_RELAY_BACKOFF_MS: '100', SEAMS_RELAY_MAX_BACKOFF_MS: '500', SEAMS_RELAY_MAX_ATTEMPTS: '2' },
    });
    rows = new Client({ connectionString: database.url });
    await rows.connect();
  }, 90_000);

  afterAll(async () => {
    await rows?.end();
    await probe?.close();
    await database?.drop();
  });

  it('keeps the events for it pending while it is down (waited for past the attempts limit, never parked), and delivers all of them once it is back, with no manual step', async () => {
    const http = () => request.agent(probe.monolith.getHttpServer()).set('authorization', adminBearer());
    await probe.host.stop('SIGKILL');
    const keys = Array.from({ length: 10 }, (_, i) => `sub-${i}`);
    for (const key of keys) await http().put(`/v1/alpha/items/${key}`).send({ value: 1 }).expect(200);
    // The relay has tried each event on bravo more often than SEAMS_RELAY_MAX_ATTEMPTS, and each
    // try failed: an unreachable subscriber is waited for, not parked.
    type Delivery = { subscriber: string; attempts: number; lastError: string | null; payload: { key: string } };
    const tried = (list: Delivery[]) => keys.every((key) => list.some((d) => d.subscriber === 'bravo' && d.payload.key === key && d.attempts >= 3 && d.lastError !== null));
    await eventually(async () => (await http().get('/v1/admin/events').query({ status: 'pending' }).expect(200)).body as Delivery[], tried, 30_000);
    const stats = (await http().get('/v1/admin/events/stats').expect(200)).body;
    expect(stats.find((s: { module: string }) => s.module === 'alpha')).toMatchObject({ depth: 10, parked: 0 });
    const handled = async (module: string) => (await rows.query(`SELECT key FROM "${module}".handled ORDER BY key`)).rows.map((row: { key: string }) => row.key);
    expect(await handled('bravo')).toEqual([]);

    await probe.startHost();
    // every event handled once by bravo, and the events bravo published on the way handled once by charlie
    await expect(eventually(() => handled('bravo'), (list) => list.length >= 10, 30_000)).resolves.toEqual(keys);
    await expect(eventually(() => handled('charlie'), (list) => list.length >= 10, 30_000)).resolves.toEqual(keys.map((key) => `alpha-${key}`));
    await eventually(async () => (await http().get('/v1/admin/events/stats').expect(200)).body as { module: string; depth: number }[], (list) => list.every((s) => s.depth === 0));
  }, 60_000);
});

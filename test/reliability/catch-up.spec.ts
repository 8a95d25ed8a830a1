import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer, bearer, testAuthEnv } from '../support/auth';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

/**
 * A subscriber added to a running system catches up on the events published before it
 * subscribed: `POST /v1/admin/replays` replays the history the outboxes keep (from the
 * beginning, or from a time) through the subscriber's inbox, each event handled once and per
 * aggregate in publication order, with its progress at `GET .../replays/:id` and a stop.
 *
 * First alpha publishes twelve changes (keys k1-k3, four each) while nobody subscribes; then the
 * system gets three subscribers of alpha.changed.v1: bravo in a module host of its own (over
 * TCP), charlie and delta in the monolith.
 */
const NAMES = ['alpha', 'bravo', 'charlie', 'delta'];
const BEFORE: ProbeSystem = { modules: NAMES.map((name) => ({ name, subscriptions: [] })) };
const AFTER: ProbeSystem = {
  modules: NAMES.map((name) => ({ name, subscriptions: name === 'alpha' ? [] : [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] })),
};
const KEYS = ['k1', 'k2', 'k3'];

interface Handled {
  event_id: string;
  key: string;
  seq: number;
}

describe('a subscriber added later catches up on the kept history', () => {
  let database: TestDatabase;
  let rows: DataSource;
  let probe: HostedProbe;
  let monolith: INestApplication;
  /** The database's time between the first two changes of each key and the last two. */
  let middle: string;

  const put = (server: unknown, key: string, value: number) =>
    request(server as never).put(`/v1/alpha/items/${key}`).set('authorization', adminBearer()).send({ value }).expect(200);
  const admin = () => request(monolith.getHttpServer());
  const handled = async (module: string) => (await rows.query(`SELECT event_id, key, seq FROM "${module}".handled ORDER BY n`)) as Handled[];
  const replayOf = async (id: string) => (await admin().get(`/v1/admin/replays/${id}`).set('authorization', adminBearer()).expect(200)).body;
  const start = async (subscriber: string, from: string) =>
    (await admin().post('/v1/admin/replays').set('authorization', adminBearer()).send({ subscriber, from }).expect(202)).body;

  beforeAll(async () => {
    database = await createTestDatabase();
    rows = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    const before = await createApp({ manifests: probeManifests(BEFORE, { slowMs: 1000 }), env: testAuthEnv(), logger: false, database: { url: database.url, poolSize: 2 } });
    await startApp(before, 0, '127.0.0.1');
    try {
      for (const round of [1, 2]) for (const key of KEYS) await put(before.getHttpServer(), key, round);
      middle = ((await rows.query(`SELECT now() AS now`)) as { now: Date }[])[0].now.toISOString();
      for (const round of [3, 4]) for (const key of KEYS) await put(before.getHttpServer(), key, round);
    } finally {
      await before.close();
    }
    probe = await startHostedProbe(AFTER, 'bravo', database.url, 1000);
    monolith = probe.monolith;
  }, 120_000);

  afterAll(async () => {
    await probe?.close();
    await rows?.destroy();
    await database?.drop();
  });

  it('replays every kept event to a new subscriber in another process once, per key in order, ahead of the live ones', async () => {
    expect(await handled('bravo')).toEqual([]); // it subscribed after the twelve were published
    const replay = await start('bravo', 'beginning');
    expect(replay).toMatchObject({ subscriber: 'bravo', from: null, publishers: ['alpha'], events: ['alpha.changed.v1'], scheduled: 12, skipped: 0, cancelled: 0 });
    // a live change of k1 now: bravo gets it after k1's four replayed ones
    await put(monolith.getHttpServer(), 'k1', 5);
    const all = await eventually(() => handled('bravo'), (found) => found.length >= 13, 60_000);
    await expect(eventually(() => replayOf(replay.id), (view) => view.state === 'done', 30_000)).resolves.toMatchObject({ scheduled: 12, delivered: 12, pending: 0 });
    expect(new Set(all.map((row) => row.event_id)).size).toBe(all.length);
    for (const key of KEYS) expect(all.filter((row) => row.key === key).map((row) => row.seq)).toEqual(key === 'k1' ? [1, 2, 3, 4, 5] : [1, 2, 3, 4]);

    // Replayed again, nothing is scheduled: it was given every event already.
    expect(await start('bravo', 'beginning')).toMatchObject({ scheduled: 0, skipped: 0, state: 'done' });
    const list = (await admin().get('/v1/admin/replays').set('authorization', adminBearer()).expect(200)).body as { id: string }[];
    expect(list.map((view) => view.id)).toContain(replay.id);
    expect(await handled('bravo')).toHaveLength(13);
  });

  it('replays from a time, and skips an event whose aggregate had a later one handled already (order over completeness)', async () => {
    // charlie has k1#5 (live, in the test above); now k2#5 live too
    await put(monolith.getHttpServer(), 'k2', 5);
    await eventually(() => handled('charlie'), (found) => found.length === 2, 30_000);
    const replay = await start('charlie', middle);
    // after `middle`: #3 and #4 of each key; k1's and k2's come before the #5 charlie handled
    expect(replay).toMatchObject({ from: middle, scheduled: 2, skipped: 4 });
    await expect(eventually(() => replayOf(replay.id), (view) => view.state === 'done', 30_000)).resolves.toMatchObject({ delivered: 2 });
    const all = await handled('charlie');
    expect(all.map((row) => `${row.key}#${row.seq}`).sort()).toEqual(['k1#5', 'k2#5', 'k3#3', 'k3#4']);
  });

  it('stops: the deliveries not made yet are taken back, and the rest of an aggregate waits behind the one that fails', async () => {
    // delta's subscriber fails on k3 for as long as this test runs; k1 and k2 had #5 live
    await rows.query(`INSERT INTO delta.faults (handler, key, kind, remaining) VALUES ('On_alpha_changed_v1_0', 'k3', 'throw', 1000000)`);
    const replay = await start('delta', 'beginning');
    expect(replay).toMatchObject({ scheduled: 4, skipped: 8, state: 'running' });
    await eventually(async () => (await rows.query(`SELECT count(*)::int AS n FROM delta.calls WHERE key = 'k3'`)) as { n: number }[], ([row]) => row.n >= 1, 30_000);
    expect(await replayOf(replay.id)).toMatchObject({ state: 'running', pending: 4, delivered: 0 });
    const stopped = (await admin().post(`/v1/admin/replays/${replay.id}/stop`).set('authorization', adminBearer()).expect(200)).body;
    expect(stopped).toMatchObject({ state: 'stopped', scheduled: 4, cancelled: 4, delivered: 0, pending: 0, parked: 0, stoppedAt: expect.any(String) });
    const left = (await rows.query(`SELECT count(*)::int AS n FROM alpha.seams_deliveries WHERE replay_id = $1`, [replay.id])) as { n: number }[];
    expect(left[0].n).toBe(0);
    expect((await handled('delta')).filter((row) => row.key === 'k3')).toEqual([]);
    // stopping it again changes nothing
    expect((await admin().post(`/v1/admin/replays/${replay.id}/stop`).set('authorization', adminBearer()).expect(200)).body).toMatchObject({ cancelled: 4, state: 'stopped' });
  });

  it('answers bad requests with problems, and only to an admin', async () => {
    const post = (body: object, token = adminBearer()) => admin().post('/v1/admin/replays').set('authorization', token).send(body);
    const unknown = await post({ subscriber: 'nobody', from: 'beginning' }).expect(400);
    expect(unknown.body).toMatchObject({ code: 'events.unknown-subscriber', detail: 'There is no module "nobody" (modules: alpha, bravo, charlie, delta)' });
    expect((await post({ subscriber: 'alpha', from: 'beginning' }).expect(400)).body).toMatchObject({ code: 'events.unknown-subscriber', detail: 'alpha subscribes to no event: there is nothing to replay to it' });
    expect((await post({ subscriber: 'bravo', from: 'yesterday' }).expect(400)).body).toMatchObject({ code: 'request.invalid', errors: [expect.objectContaining({ field: 'from' })] });
    expect((await post({ subscriber: 'bravo' }).expect(400)).body).toMatchObject({ code: 'request.invalid' });
    await post({ subscriber: 'bravo', from: 'beginning' }, bearer('someone', 'customer')).expect(403);
    const missing = await admin().get('/v1/admin/replays/00000000-0000-4000-8000-000000000000').set('authorization', adminBearer()).expect(404);
    expect(missing.body).toMatchObject({ code: 'events.replay-not-found' });
    await admin().post('/v1/admin/replays/not-a-uuid/stop').set('authorization', adminBearer()).expect(400);
  });
});

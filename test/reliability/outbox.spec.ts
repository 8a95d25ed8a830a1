import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { OutboxAdmin, MessagingModule } from '@seams/kernel/messaging';
import { DatabaseModule, DatabaseRegistry, type ModuleDatabase } from '@seams/kernel/persistence';
import { EventDispatcher, MessageRegistry, SeamModule } from '@seams/kernel/seam';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { Happened, probe, probeManifests, ProbePubModule, ProbeSubModule } from './probe-modules';
import { messagingOptionsFrom, seamOptionsFor, topologyFrom } from '../../src/host/config';

const RELAY = {
  SEAMS_RELAY_POLL_MS: '100',
  SEAMS_RELAY_BACKOFF_MS: '100',
  SEAMS_RELAY_MAX_BACKOFF_MS: '400',
  SEAMS_RELAY_MAX_ATTEMPTS: '3',
  // Longer than any round can take here, however loaded the machine: a lease that ran out
  // mid-round would hand a delivery out twice, which the multi-relay test counts as a failure.
  // No test here waits for a lease to run out (test/reliability/crash.spec.ts does).
  SEAMS_RELAY_LEASE_MS: String(10 * 60_000),
};

async function startProbeApp(url: string, env: Record<string, string> = {}): Promise<INestApplicationContext> {
  const registry = new MessageRegistry(probeManifests);
  const allEnv = { ...RELAY, ...env };
  const topology = topologyFrom(registry, { kind: 'monolith' }, allEnv);
  @Module({
    imports: [
      SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, allEnv) }),
      DatabaseModule.forRoot({ url, poolSize: 4, roleSecret: process.env.SEAMS_SERVICE_SECRET }),
      MessagingModule.forRoot(messagingOptionsFrom(allEnv)),
      ProbePubModule,
      ProbeSubModule,
    ],
  })
  class ProbeApp {}
  const app = await NestFactory.createApplicationContext(ProbeApp, { logger: false, abortOnError: false });
  await app.init();
  return app;
}

const publisher = (app: INestApplicationContext): ModuleDatabase =>
  app.get(DatabaseRegistry).all().find((database) => database.module === 'probepub')!;

describe('the outbox, the relay and the inbox', () => {
  let database: TestDatabase;
  let db: Client;
  let app: INestApplicationContext;
  const seen = async (key: string) =>
    (await db.query<{ seq: number }>('SELECT seq FROM probesub.seen WHERE key = $1 ORDER BY n', [key])).rows.map((row) => row.seq);
  const deliveries = async (key: string) =>
    (await db.query('SELECT id, status, attempts, last_error FROM probepub.seams_deliveries WHERE aggregate_id = $1 ORDER BY position', [key])).rows;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startProbeApp(database.url);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  beforeEach(() => probe.reset());

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  it('keeps no event of a transaction that rolls back, and delivers the event of one that commits', async () => {
    await expect(
      publisher(app).transaction(async (tx) => {
        tx.publish(new Happened('rolled-back', 1));
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await publisher(app).transaction(async (tx) => tx.publish(new Happened('committed', 1)));

    await eventually(() => seen('committed'), (list) => list.length === 1);
    expect(await db.query(`SELECT count(*)::int AS n FROM probepub.seams_outbox WHERE aggregate_id = 'rolled-back'`)).toMatchObject({
      rows: [{ n: 0 }],
    });
    expect(await seen('rolled-back')).toEqual([]);
    // marked done once the subscriber has finished (a moment after its effect is visible)
    const done = await eventually(() => deliveries('committed'), (rows) => rows[0]?.status === 'DELIVERED');
    expect(done).toEqual([expect.objectContaining({ status: 'DELIVERED', attempts: 1 })]);
  });

  it('gives a redelivered event no second effect (inbox)', async () => {
    await publisher(app).transaction(async (tx) => tx.publish(new Happened('twice', 1)));
    await eventually(() => seen('twice'), (list) => list.length === 1);
    await eventually(() => deliveries('twice'), (rows) => rows[0]?.status === 'DELIVERED');
    const [{ event_id: eventId }] = (await db.query(`SELECT event_id FROM probepub.seams_deliveries WHERE aggregate_id = 'twice'`)).rows;

    // the same event again, straight to the subscriber, and again through the relay
    await app.get(EventDispatcher).dispatchTo('probesub', Happened.wire, new Happened('twice', 1), eventId);
    await db.query(`UPDATE probepub.seams_deliveries SET status = 'PENDING' WHERE event_id = $1`, [eventId]);
    await eventually(() => deliveries('twice'), (rows) => rows[0].status === 'DELIVERED');

    expect(probe.calls).toBe(3); // the subscriber ran three times...
    expect(await seen('twice')).toEqual([1]); // ...with one effect
    expect((await db.query('SELECT count(*)::int AS n FROM probesub.seams_inbox WHERE event_id = $1', [eventId])).rows).toEqual([{ n: 1 }]);
  });

  it('retries a failing subscriber with growing delays, parks it after the last attempt, and delivers it when resubmitted', async () => {
    probe.failWhen = (event) => event.key === 'failing';
    await publisher(app).transaction(async (tx) => tx.publish(new Happened('failing', 1)));

    const [parked] = await eventually(() => deliveries('failing'), (rows) => rows[0]?.status === 'PARKED', 15_000);
    expect(parked).toMatchObject({ attempts: 3, last_error: 'told to fail on failing#1' });
    const times = probe.attempts.filter((a) => a.key === 'failing').map((a) => a.at);
    expect(times).toHaveLength(3);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(50); // backoff 100 ms, jittered down to half at most
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(100); // doubled

    const admin = app.get(OutboxAdmin);
    const listed = await admin.list('PARKED', 100);
    expect(listed).toEqual([
      expect.objectContaining({ id: parked.id, publisher: 'probepub', subscriber: 'probesub', name: Happened.wire, attempts: 3, payload: { key: 'failing', seq: 1 } }),
    ]);
    expect(await admin.stats()).toEqual(expect.arrayContaining([expect.objectContaining({ module: 'probepub', parked: 1 })]));

    probe.failWhen = () => false;
    await expect(admin.retry(parked.id)).resolves.toMatchObject({ id: parked.id, subscriber: 'probesub' });
    await eventually(() => seen('failing'), (list) => list.length === 1);
    const done = await eventually(() => deliveries('failing'), (rows) => rows[0]?.status === 'DELIVERED');
    expect(done).toEqual([expect.objectContaining({ status: 'DELIVERED', attempts: 1 })]);
    await expect(admin.retry(parked.id)).rejects.toMatchObject({ code: 'events.delivery-not-found' });
  });

  it('hands the events of one aggregate to the subscriber in the order they were published, even across retries', async () => {
    let failedOnce = false;
    probe.failWhen = (event) => event.key === 'ordered' && event.seq === 3 && !failedOnce && (failedOnce = true);
    for (let seq = 1; seq <= 8; seq++) {
      await publisher(app).transaction(async (tx) => tx.publish(new Happened('ordered', seq)));
    }
    await eventually(() => seen('ordered'), (list) => list.length === 8, 15_000);
    expect(await seen('ordered')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(failedOnce).toBe(true);
  });

  it('keeps delivering new events while a slow delivery of an earlier round is under way', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    probe.holdWhen = (event) => (event.key === 'slow' ? gate : undefined);
    try {
      await publisher(app).transaction(async (tx) => tx.publish(new Happened('slow', 1)));
      await eventually(async () => probe.attempts.some((attempt) => attempt.key === 'slow'), Boolean, 5000);
      await publisher(app).transaction(async (tx) => tx.publish(new Happened('quick', 1)));
      // With rounds strictly one after the other, this waited for the slow one.
      await eventually(() => seen('quick'), (list) => list.length === 1, 3000);
      expect(await seen('slow')).toEqual([]);
    } finally {
      release();
    }
    await eventually(() => seen('slow'), (list) => list.length === 1, 5000);
  });

  it('hands several events to a subscriber in one transaction, and one by one again when that batch fails', async () => {
    let failed = false;
    probe.failWhen = (event) => event.key === 'batch-3' && !failed && (failed = true);
    const keys = Array.from({ length: 10 }, (_, i) => `batch-${i}`);
    await publisher(app).transaction(async (tx) => tx.publish(...keys.map((key) => new Happened(key, 1))));

    const rows = async () =>
      (await db.query<{ key: string }>(`SELECT key FROM probesub.seen WHERE key LIKE 'batch-%' ORDER BY key`)).rows.map((r) => r.key);
    await eventually(rows, (list) => list.length === 10);
    expect(failed).toBe(true);
    expect(await rows()).toEqual([...keys].sort()); // each once: the failed batch left nothing behind
    expect(probe.calls).toBeGreaterThan(10); // the batch ran until the failure, then each ran on its own
    const inbox = await db.query(
      `SELECT count(*)::int AS n FROM probesub.seams_inbox i JOIN probepub.seams_outbox o ON o.id = i.event_id WHERE o.aggregate_id LIKE 'batch-%'`,
    );
    expect(inbox.rows).toEqual([{ n: 10 }]);
  });

  it('keeps nothing of a failed transaction in a batch, even when the subscriber swallows the failure', async () => {
    let failed = false;
    probe.failInsideWhen = (event) => event.key === 'swallow-2' && !failed && (failed = true);
    const keys = Array.from({ length: 5 }, (_, i) => `swallow-${i}`);
    await publisher(app).transaction(async (tx) => tx.publish(...keys.map((key) => new Happened(key, 1))));

    const rows = async () =>
      (await db.query<{ key: string }>(`SELECT key FROM probesub.seen WHERE key LIKE 'swallow-%' ORDER BY key`)).rows.map((r) => r.key);
    await eventually(rows, (list) => list.length >= 5);
    expect(failed).toBe(true);
    expect(await rows()).toEqual(keys); // no swallow-2-partial, and swallow-2 handled when tried on its own
  });

  it('delivers each event once, in order, with several relay instances on one database (one claiming small rounds)', async () => {
    // Rounds of 7: the second relay comes back for more many times while the first works through its 400.
    const second = await startProbeApp(database.url, { SEAMS_RELAY_BATCH: '7' });
    try {
      const keys = Array.from({ length: 20 }, (_, i) => `multi-${i}`);
      await Promise.all(
        keys.map(async (key, i) => {
          const target = i % 2 === 0 ? app : second;
          for (let seq = 1; seq <= 10; seq++) {
            await publisher(target).transaction(async (tx) => tx.publish(new Happened(key, seq)));
          }
        }),
      );
      await eventually(
        async () => Number((await db.query(`SELECT count(*) FROM probesub.seen WHERE key LIKE 'multi-%'`)).rows[0].count),
        (n) => n === 200,
        20_000,
      );
      expect(probe.calls).toBe(200); // never handed out twice
      const { rows } = await db.query(`SELECT attempts, count(*)::int AS n FROM probepub.seams_deliveries WHERE aggregate_id LIKE 'multi-%' GROUP BY attempts`);
      expect(rows).toEqual([{ attempts: 1, n: 200 }]);
      for (const key of keys) expect(await seen(key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      await second.close();
    }
  });

  it('deletes delivered events and inbox records after the retention', async () => {
    const short = await startProbeApp(database.url, { SEAMS_OUTBOX_RETENTION_MS: '300' });
    try {
      await publisher(short).transaction(async (tx) => tx.publish(new Happened('retained', 1)));
      await eventually(() => seen('retained'), (list) => list.length === 1);
      const left = async () =>
        Number(
          (
            await db.query(
              `SELECT (SELECT count(*) FROM probepub.seams_outbox WHERE aggregate_id = 'retained')
                    + (SELECT count(*) FROM probepub.seams_deliveries WHERE aggregate_id = 'retained') AS count`,
            )
          ).rows[0].count,
        );
      await eventually(left, (n) => n === 0, 10_000);
    } finally {
      await short.close();
    }
  });
});

import { Injectable, Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { MessagingModule } from '@seams/kernel/messaging';
import { DatabaseModule, DatabaseRegistry, ModuleDatabase, PersistenceModule } from '@seams/kernel/persistence';
import { defineModule, type EventSubscriber, InvalidMessageError, MessageRegistry, type ModuleManifest, SeamModule, Subscribe } from '@seams/kernel/seam';
import { Happened, probe, probeManifests, ProbePubModule, ProbeSubModule } from '../reliability/probe-modules';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { messagingOptionsFrom, seamOptionsFor, topologyFrom } from '../../src/host/config';

const RELAY = { SEAMS_RELAY_POLL_MS: '100', SEAMS_RELAY_BACKOFF_MS: '20', SEAMS_RELAY_MAX_BACKOFF_MS: '50', SEAMS_RELAY_MAX_ATTEMPTS: '2' };

async function start(url: string, manifests: ModuleManifest[], modules: Type<unknown>[]): Promise<INestApplicationContext> {
  const registry = new MessageRegistry(manifests);
  const topology = topologyFrom(registry, { kind: 'monolith' }, RELAY);
  @Module({
    imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, RELAY) }), DatabaseModule.forRoot({ url, roleSecret: process.env.SEAMS_SERVICE_SECRET, poolSize: 4 }), MessagingModule.forRoot(messagingOptionsFrom(RELAY)), ...modules],
  })
  class App {}
  const app = await NestFactory.createApplicationContext(App, { logger: false, abortOnError: false });
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/** A second subscribing module of `Happened`, like probesub, with its own subscriber and table. */
@Subscribe(Happened)
@Injectable()
class AlsoRecordHappened implements EventSubscriber<Happened> {
  constructor(private readonly database: ModuleDatabase) {}
  async handle(event: Happened): Promise<void> {
    await this.database.transaction(({ manager }) => manager.query('INSERT INTO probeother.seen (key, seq) VALUES ($1, $2)', [event.key, event.seq]));
  }
}

const createSeen = class CreateOtherSeen1732600000001 {
  readonly name = 'CreateOtherSeen1732600000001';
  async up(db: { query(sql: string): Promise<unknown> }) {
    await db.query('CREATE TABLE probeother.seen (n bigserial PRIMARY KEY, key text NOT NULL, seq int NOT NULL)');
  }
  async down(db: { query(sql: string): Promise<unknown> }) {
    await db.query('DROP TABLE probeother.seen');
  }
};

@Module({ imports: [PersistenceModule.forModule({ module: 'probeother', entities: [], migrations: [createSeen] })], providers: [AlsoRecordHappened] })
class ProbeOtherModule {}

/** A module whose manifest subscribes to Happened but declares no subscriber of it. */
@Module({ imports: [PersistenceModule.forModule({ module: 'probeother', entities: [], migrations: [createSeen] })] })
class ProbeOtherWithoutSubscriber {}

describe('subscribers and their manifests', () => {
  let database: TestDatabase;
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  beforeEach(() => probe.reset());

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('delivers an event to two modules of one process that subscribe to it, each once', async () => {
    const other = defineModule({ name: 'probeother', contract: {}, subscribes: [Happened], load: async () => ProbeOtherModule });
    const app = await start(database.url, [...probeManifests, other], [ProbePubModule, ProbeSubModule, ProbeOtherModule]);
    try {
      const publisher = app.get(DatabaseRegistry).all().find((d) => d.module === 'probepub')!;
      await publisher.transaction(async (tx) => tx.publish(new Happened('both', 1), new Happened('both', 2)));
      const seen = async (table: string) => (await db.query(`SELECT seq FROM ${table}.seen WHERE key = 'both' ORDER BY n`)).rows.map((r) => r.seq as number);
      await eventually(async () => [await seen('probesub'), await seen('probeother')], ([a, b]) => a.length === 2 && b.length === 2);
      const deliveries = await eventually(
        async () => (await db.query(`SELECT subscriber, status FROM probepub.seams_deliveries WHERE aggregate_id = 'both' ORDER BY subscriber, position`)).rows,
        (rows) => rows.every((row) => row.status === 'DELIVERED'),
      );
      expect(deliveries.map((row) => row.subscriber)).toEqual(['probeother', 'probeother', 'probesub', 'probesub']);
      expect(await seen('probesub')).toEqual([1, 2]);
      expect(await seen('probeother')).toEqual([1, 2]);
    } finally {
      await app.close();
    }
  });

  it('refuses to start when a manifest subscribes to an event that no subscriber of its module handles, naming both', async () => {
    const other = defineModule({ name: 'probeother', contract: {}, subscribes: [Happened], load: async () => ProbeOtherWithoutSubscriber });
    await expect(start(database.url, [...probeManifests, other], [ProbePubModule, ProbeSubModule, ProbeOtherWithoutSubscriber])).rejects.toThrow(
      'the probeother manifest subscribes to probepub.happened.v1, but no @Subscribe(Happened) provider of probeother handles it',
    );
  });

  it('refuses to start when a subscriber handles an event its module’s manifest does not list, naming both', async () => {
    const other = defineModule({ name: 'probeother', contract: {}, load: async () => ProbeOtherModule });
    await expect(start(database.url, [...probeManifests, other], [ProbePubModule, ProbeSubModule, ProbeOtherModule])).rejects.toThrow(
      'probeother/AlsoRecordHappened subscribes to probepub.happened.v1, which the probeother manifest does not list under "subscribes"',
    );
  });
});

describe('contracts checked when publishing and when delivering', () => {
  let database: TestDatabase;
  let db: Client;
  let app: INestApplicationContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    app = await start(database.url, probeManifests, [ProbePubModule, ProbeSubModule]);
  });

  beforeEach(() => probe.reset());

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  it('refuses to publish an event that breaks its contract: the typed error, and the whole transaction rolls back', async () => {
    const publisher = app.get(DatabaseRegistry).all().find((d) => d.module === 'probepub')!;
    const error = await publisher
      .transaction(async ({ manager, publish }) => {
        await manager.query(`INSERT INTO probepub.seams_inbox (event_id, handler) VALUES (gen_random_uuid(), 'written before the bad event')`);
        publish(new Happened('good', 1));
        publish(new Happened('bad', 1.5));
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error).toMatchObject({ code: 'seam.invalid-message', details: { message: 'probepub.happened.v1', issues: [{ path: 'seq', message: expect.stringContaining('expected int') }] } });
    expect((await db.query(`SELECT count(*)::int AS n FROM probepub.seams_inbox`)).rows[0].n).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM probepub.seams_outbox`)).rows[0].n).toBe(0);
  });

  it('hands no subscriber an event whose stored payload breaks the contract, and parks it with the reason', async () => {
    // An outbox row written by something else than tx.publish (an old version, a manual fix).
    await db.query(`INSERT INTO probepub.seams_outbox (id, name, aggregate_id, payload) VALUES ('00000000-0000-4000-8000-000000000001', $1, 'forged', $2)`, [
      Happened.wire,
      JSON.stringify({ key: 'forged', seq: 'one' }),
    ]);
    await db.query(`INSERT INTO probepub.seams_deliveries (id, event_id, position, aggregate_id, subscriber)
                    SELECT gen_random_uuid(), id, position, aggregate_id, 'probesub' FROM probepub.seams_outbox WHERE aggregate_id = 'forged'`);
    await db.query(`NOTIFY seams_outbox, 'probepub'`);
    const [delivery] = await eventually(
      async () => (await db.query(`SELECT status, last_error FROM probepub.seams_deliveries WHERE aggregate_id = 'forged'`)).rows,
      (rows) => rows[0]?.status === 'PARKED',
    );
    expect(delivery.last_error).toMatch(/probepub.happened.v1 is malformed: seq Invalid input: expected number, received string/);
    expect(probe.calls).toBe(0);
  });
});

import { Injectable, Module } from '@nestjs/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ModuleDatabase, PersistenceModule } from '@seams/kernel/persistence';
import { z, IntegrationEvent } from '@seams/kernel/primitives';
import { defineModule, type EventSubscriber, Subscribe } from '@seams/kernel/seam';

/** A test-only publisher module and subscriber module, to drive the outbox and inbox directly. */
export class Happened extends IntegrationEvent {
  static readonly wire = 'probepub.happened.v1';
  static readonly aggregate = 'key';
  static readonly schema = z.object({ key: z.string().max(10_000), seq: z.int() });

  constructor(
    readonly key: string,
    readonly seq: number,
  ) {
    super();
  }
}

class CreateSeen1732600000000 implements MigrationInterface {
  readonly name = 'CreateSeen1732600000000';
  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE TABLE probesub.seen (n bigserial PRIMARY KEY, key text NOT NULL, seq int NOT NULL)');
  }
  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE probesub.seen');
  }
}

/** What the subscriber did, across every app instance of this test process. */
export const probe = {
  calls: 0,
  /** `(event) => true` makes the subscriber fail on that event. */
  failWhen: ((event: Happened) => event === undefined) as (event: Happened) => boolean,
  /** `(event) => true` makes the subscriber's transaction fail after a first write, which the subscriber then swallows. */
  failInsideWhen: ((event: Happened) => event === undefined) as (event: Happened) => boolean,
  attempts: [] as { key: string; seq: number; at: number }[],
  /** A promise the subscriber waits for before handling that event (a slow subscriber). */
  holdWhen: ((event: Happened) => (event === undefined ? Promise.resolve() : undefined)) as (event: Happened) => Promise<void> | undefined,
  reset() {
    this.calls = 0;
    this.holdWhen = () => undefined;
    this.failWhen = () => false;
    this.failInsideWhen = () => false;
    this.attempts = [];
  },
};

@Subscribe(Happened)
@Injectable()
export class RecordHappened implements EventSubscriber<Happened> {
  constructor(private readonly database: ModuleDatabase) {}

  async handle(event: Happened): Promise<void> {
    probe.calls++;
    probe.attempts.push({ key: event.key, seq: event.seq, at: Date.now() });
    await probe.holdWhen(event);
    if (probe.failWhen(event)) throw new Error(`told to fail on ${event.key}#${event.seq}`);
    if (probe.failInsideWhen(event)) {
      // A subscriber that catches the failure of its own transaction: its partial write must not survive.
      await this.database
        .transaction(async ({ manager }) => {
          await manager.query('INSERT INTO probesub.seen (key, seq) VALUES ($1, $2)', [`${event.key}-partial`, event.seq]);
          throw new Error('fails after a write');
        })
        .catch(() => undefined);
      return;
    }
    await this.database.transaction(async ({ manager }) => {
      await manager.query('INSERT INTO probesub.seen (key, seq) VALUES ($1, $2)', [event.key, event.seq]);
    });
  }
}

@Module({ imports: [PersistenceModule.forModule({ module: 'probepub', entities: [], migrations: [] })] })
export class ProbePubModule {}

@Module({
  imports: [PersistenceModule.forModule({ module: 'probesub', entities: [], migrations: [CreateSeen1732600000000] })],
  providers: [RecordHappened],
})
export class ProbeSubModule {}

export const probeManifests = [
  defineModule({ name: 'probepub', contract: { Happened }, load: async () => ProbePubModule }),
  defineModule({ name: 'probesub', contract: {}, subscribes: [Happened], load: async () => ProbeSubModule }),
];

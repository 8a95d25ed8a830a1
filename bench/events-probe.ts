import { Injectable, Module } from '@nestjs/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ModuleDatabase, PersistenceModule } from '@seams/kernel/persistence';
import { z, IntegrationEvent } from '@seams/kernel/primitives';
import { defineModule, type EventSubscriber, Subscribe } from '@seams/kernel/seam';

/** The events benchmark's own modules: one publishes, the other subscribes and records. */
export class Ticked extends IntegrationEvent {
  static readonly wire = 'benchpub.ticked.v1';
  static readonly aggregate = 'key';
  static readonly schema = z.object({ key: z.string().max(10_000), publishedAt: z.int().min(0) });

  constructor(
    readonly key: string,
    /** Microseconds since the epoch at publish time. */
    readonly publishedAt: number,
  ) {
    super();
  }
}

/** Microseconds since the epoch, comparable across processes on one machine. */
export const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** Commit-to-handled latencies seen by the subscriber of this process, in microseconds. */
export const handled: number[] = [];

class CreateTicks1732700000000 implements MigrationInterface {
  readonly name = 'CreateTicks1732700000000';
  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE TABLE benchsub.ticks (n bigserial PRIMARY KEY, key text NOT NULL)');
  }
  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE benchsub.ticks');
  }
}

/** A realistic subscriber: its effect and its inbox record in one transaction. */
@Subscribe(Ticked)
@Injectable()
export class RecordTick implements EventSubscriber<Ticked> {
  constructor(private readonly database: ModuleDatabase) {}

  async handle(event: Ticked): Promise<void> {
    await this.database.transaction(({ manager }) => manager.query('INSERT INTO benchsub.ticks (key) VALUES ($1)', [event.key]));
    handled.push(nowMicros() - event.publishedAt);
  }
}

@Module({ imports: [PersistenceModule.forModule({ module: 'benchpub', entities: [], migrations: [] })] })
export class BenchPubModule {}

@Module({
  imports: [PersistenceModule.forModule({ module: 'benchsub', entities: [], migrations: [CreateTicks1732700000000] })],
  providers: [RecordTick],
})
export class BenchSubModule {}

export const eventsManifests = [
  defineModule({ name: 'benchpub', contract: { Ticked }, load: async () => BenchPubModule }),
  defineModule({ name: 'benchsub', contract: {}, subscribes: [Ticked], load: async () => BenchSubModule }),
];

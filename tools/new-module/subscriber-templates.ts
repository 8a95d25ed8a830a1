import type { ModuleNames } from './names';
import { unitOfWorkToken } from './persistence-templates';
import type { Subscription } from './subscriptions';

/**
 * The files `--subscribe` adds: one subscriber per event (its own use-case folder), the
 * `<schema>.handled_events` table each subscriber records what it handled in (its port, entity,
 * TypeORM repository and migration), and a test that hands each event to the module alone.
 */
export function subscriberFiles(n: ModuleNames, subscriptions: readonly Subscription[], migration: HandledEventsMigration): Record<string, string> {
  if (subscriptions.length === 0) return {};
  const m = n.name;
  const dir = `modules/${m}`;
  const token = unitOfWorkToken(n);
  const files: Record<string, string> = {};
  for (const s of subscriptions) {
    files[`${dir}/application/${s.stem}/${s.stem}.handler.ts`] = `import { Inject } from '@nestjs/common';
import { ${s.eventClass} } from '../../../${s.publisher}/contract';
import { type EventSubscriber, Subscribe } from '@seams/kernel/seam';
import { ${token} } from '../../${m}.di-tokens';
import { deliveredEventId } from '../delivered-event-id';
import type { ${n.pascal}UnitOfWork } from '../ports/${m}.unit-of-work';

/**
 * ${m} on \`${s.wire}\`: records the event in \`${m}.handled_events\`. The inbox claim (a
 * redelivery of the same event does nothing) commits with the unit of work's writes.
 *
 * (Made by \`npm run module:new -- --subscribe ${s.wire}\`: do here what ${m} does about it.)
 */
@Subscribe(${s.eventClass})
export class ${s.subscriberClass} implements EventSubscriber<${s.eventClass}> {
  constructor(@Inject(${token}) private readonly unitOfWork: ${n.pascal}UnitOfWork) {}

  async handle(event: ${s.eventClass}): Promise<void> {
    const record = { eventId: deliveredEventId(), name: ${s.eventClass}.wire, payload: { ...event } };
    await this.unitOfWork.run(({ handledEvents }) => handledEvents.record(record));
  }
}
`;
  }
  files[`${dir}/application/delivered-event-id.ts`] = `import { RequestContexts } from '@seams/kernel/seam';

/**
 * The id of the event a subscriber of ${m} is handling: the publisher's outbox id, the same on
 * every delivery of that event (and the key of the inbox record).
 */
export function deliveredEventId(): string {
  const delivery = RequestContexts.current()?.delivery;
  if (!delivery) throw new Error('deliveredEventId() is for subscribers, while they handle a delivered event');
  return delivery.eventId;
}
`;
  files[`${dir}/infrastructure/handled-event.entity.ts`] = `import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One event of another module that ${m} handled. */
@Entity({ schema: '${m}', name: 'handled_events' })
export class HandledEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  /** The event's wire name, e.g. \`${subscriptions[0].wire}\`. */
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'jsonb' })
  /** The event's payload, as its contract has it. */
  payload: object;

  @CreateDateColumn({ name: 'handled_at', type: 'timestamptz' })
  handledAt: Date;
}
`;
  files[`${dir}/application/ports/handled-event.repository.ts`] = `/** An event of another module that ${m} handled. */
export interface HandledEvent {
  readonly eventId: string;
  readonly name: string;
  readonly payload: object;
}

/** The events ${m} handled, inside a unit of work (see \`${n.pascal}UnitOfWork\`). */
export interface HandledEventRepository {
  /** Stores the event. A second row for one event id fails: the inbox should have stopped it. */
  record(event: HandledEvent): Promise<void>;
}
`;
  files[`${dir}/infrastructure/handled-event.repository.ts`] = `import type { EntityManager } from 'typeorm';
import type { HandledEvent, HandledEventRepository } from '../application/ports/handled-event.repository';
import { HandledEventEntity } from './handled-event.entity';

/** \`HandledEventRepository\` on one entity manager (the unit of work's). */
export class TypeOrmHandledEventRepository implements HandledEventRepository {
  constructor(private readonly manager: EntityManager) {}

  async record({ eventId, name, payload }: HandledEvent): Promise<void> {
    await this.manager.insert(HandledEventEntity, { eventId, name, payload });
  }
}
`;
  files[`migrations/${m}/${migration.timestamp}-create-handled-events.ts`] = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${migration.className} implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(\`
      CREATE TABLE ${n.sqlSchema}.handled_events (
        event_id   uuid         PRIMARY KEY,
        name       varchar(200) NOT NULL,
        payload    jsonb        NOT NULL,
        handled_at timestamptz  NOT NULL DEFAULT now()
      )\`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE ${n.sqlSchema}.handled_events');
  }
}
`;
  files[`test/modules/${m}.subscriptions.spec.ts`] = subscriptionsSpec(n, subscriptions);
  return files;
}

export interface HandledEventsMigration {
  readonly timestamp: number;
  readonly className: string;
}

export function handledEventsMigration(timestamp: number): HandledEventsMigration {
  return { timestamp: timestamp + 1, className: `CreateHandledEvents${timestamp + 1}` };
}

/** Import lines for the events, one per publishing module's contract, from `from` (a path prefix to modules/). */
export function eventImports(subscriptions: readonly Subscription[], from: string): string {
  const byPublisher = new Map<string, string[]>();
  for (const s of subscriptions) byPublisher.set(s.publisher, [...(byPublisher.get(s.publisher) ?? []), s.eventClass]);
  return [...byPublisher]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([publisher, classes]) => `import { ${[...new Set(classes)].sort().join(', ')} } from '${from}${publisher}/contract';\n`)
    .join('');
}

/** A TypeScript literal of a JSON value (keys unquoted when they can be). */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, each]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${literal(each)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return value === undefined ? 'undefined' : JSON.stringify(value).replace(/^"(.*)"$/, (_, inner: string) => `'${inner.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`);
}

function subscriptionsSpec(n: ModuleNames, subscriptions: readonly Subscription[]): string {
  const m = n.name;
  const cases = subscriptions
    .map((s) => {
      const sample = s.sample
        ? literal(s.sample)
        : `{} as never /* module:new found no payload ${s.wire} accepts: write one here */`;
      return `
  it('records ${s.wire} once, however often it is delivered', async () => {
    const event = eventOf(${s.eventClass}, ${sample});
    const eventId = await harness.deliver(event);
    await harness.deliver(event, eventId); // a redelivery: the inbox makes it a no-op
    expect(await handled(eventId)).toEqual([{ name: '${s.wire}', payload: { ...event } }]);
  });
`;
    })
    .join('');
  return `${eventImports(subscriptions, '../../modules/')}import { ${n.camel}Manifest } from '../../modules/${m}/${m}.manifest';
import { DatabaseRegistry } from '@seams/kernel/persistence';
import { eventOf, type ModuleHarness, startModuleHarness } from '../support/module-harness';

/**
 * ${m} alone, handed the events it subscribes to as the relay hands them over (payload checked
 * against the publisher's contract, inbox claimed). test/e2e/order-confirmed-subscribers.spec.ts
 * and the contract suites cover the assembled app, in process and across TCP.
 */
describe('${m}, isolated: the events it subscribes to', () => {
  let harness: ModuleHarness;
  const handled = (eventId: string): Promise<unknown[]> =>
    harness.app
      .get(DatabaseRegistry)
      .all()
      .find((database) => database.module === '${m}')!
      .manager.query('SELECT name, payload FROM ${n.sqlSchema}.handled_events WHERE event_id = $1', [eventId]);

  beforeAll(async () => {
    harness = await startModuleHarness({ module: ${n.camel}Manifest });
  });

  afterAll(() => harness?.close());
${cases}});
`;
}

import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../primitives';
import { DatabaseRegistry, type ModuleDatabase, returnedRows } from '../persistence';
import { MessageRegistry } from '../seam';
import { OutboxRelay } from './outbox-relay';

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'PARKED';

export interface DeliveryView {
  readonly id: string;
  readonly eventId: string;
  /** The module that published the event (whose outbox holds it). */
  readonly publisher: string;
  readonly subscriber: string;
  readonly name: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: string;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
  readonly payload: unknown;
  /** The trace the event was published in (its deliveries are spans of it), or null when it had none. */
  readonly traceId: string | null;
}

export interface OutboxStats {
  readonly module: string;
  /** Deliveries not yet done (pending, including those waiting to be retried). */
  readonly depth: number;
  /** Age of the oldest pending delivery, in milliseconds (0 when none). */
  readonly lagMs: number;
  readonly parked: number;
}

export class DeliveryNotFoundError extends DomainError {
  readonly code = 'events.delivery-not-found';
  readonly kind = 'not-found';

  constructor(id: string) {
    super(`No parked delivery has id ${id}`, { id });
  }
}

/** Where a replay starts in the history the outboxes keep: their oldest event, or the first published at or after a time. */
export type ReplayStart = 'beginning' | Date;

export type ReplayState = 'running' | 'done' | 'parked' | 'stopped';

/** A replay's progress over the outboxes of this process (its publishers). */
export interface ReplayView {
  readonly id: string;
  /** The module the events are replayed to. */
  readonly subscriber: string;
  /** The time it started from; null for the beginning of the history. */
  readonly from: string | null;
  /** The publishers (modules of this process) whose events it replays, and the events by name. */
  readonly publishers: readonly string[];
  readonly events: readonly string[];
  /** `running` while deliveries are pending; `parked` when only parked ones are left (see GET /v1/admin/events); then `done`, or `stopped`. */
  readonly state: ReplayState;
  /** Deliveries it scheduled: events the subscriber had never been given. */
  readonly scheduled: number;
  readonly delivered: number;
  readonly pending: number;
  readonly parked: number;
  /** Deliveries a stop took back before they were made. */
  readonly cancelled: number;
  /**
   * Events left out to keep per-aggregate order: a later event of their aggregate had already
   * been handed to the subscriber (it was live before the replay began).
   */
  readonly skipped: number;
  readonly createdAt: string;
  readonly stoppedAt: string | null;
}

export class UnknownSubscriberError extends DomainError {
  readonly code = 'events.unknown-subscriber';
  readonly kind = 'invalid';
}

export class ReplayNotFoundError extends DomainError {
  readonly code = 'events.replay-not-found';
  readonly kind = 'not-found';

  constructor(id: string) {
    super(`No replay has id ${id} in this process's outboxes`, { id });
  }
}

/** Reads the outboxes of the modules in this process, puts parked deliveries back in line, and replays their history to a subscriber. */
@Injectable()
export class OutboxAdmin {
  private readonly logger = new Logger('Replay');

  constructor(
    private readonly databases: DatabaseRegistry,
    private readonly relay: OutboxRelay,
    private readonly registry: MessageRegistry,
  ) {}

  async list(status: DeliveryStatus, limit: number): Promise<DeliveryView[]> {
    const lists = await Promise.all(
      this.databases.all().map(async (database) => {
        const rows: Record<string, unknown>[] = await database.dataSource.query(
          `SELECT d.id, d.event_id, d.subscriber, d.status, d.attempts, d.last_error, d.next_attempt_at, d.created_at,
                  d.delivered_at, o.name, o.payload, o.traceparent
             FROM "${database.module}".seams_deliveries d JOIN "${database.module}".seams_outbox o ON o.id = d.event_id
            WHERE d.status = $1 ORDER BY d.position LIMIT $2`,
          [status, limit],
        );
        return rows.map((row) => toView(database.module, row));
      }),
    );
    return lists.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, limit);
  }

  /** Makes a parked delivery pending again, with a fresh count of attempts (and failures), and wakes the relay. */
  async retry(id: string): Promise<DeliveryView> {
    for (const database of this.databases.all()) {
      const rows = returnedRows(
        await database.dataSource.query(
        `UPDATE "${database.module}".seams_deliveries
            SET status = 'PENDING', attempts = 0, failures = 0, next_attempt_at = now(), lease_until = NULL
          WHERE id = $1 AND status = 'PARKED'
        RETURNING id`,
          [id],
        ),
      );
      if (rows.length > 0) {
        this.relay.wake(database.module);
        const [view] = await this.find(database.module, id);
        return view;
      }
    }
    throw new DeliveryNotFoundError(id);
  }

  /** Per module: pending deliveries, parked ones and the age of the oldest pending one, read through partial indexes. */
  async stats(): Promise<OutboxStats[]> {
    return Promise.all(
      this.databases.all().map(async (database) => {
        const [row]: { depth: string; parked: string; lag_ms: string | null }[] = await database.dataSource.query(
          // Each part through a partial index (pending, parked): never the delivered rows kept for days.
          outboxStatsQuery(database.module),
        );
        return {
          module: database.module,
          depth: Number(row.depth),
          parked: Number(row.parked),
          lagMs: Math.round(Number(row.lag_ms ?? 0)),
        };
      }),
    );
  }

  /**
   * Replays the events `subscriber` subscribes to, kept in the outboxes of this process's modules
   * from `from` on, to `subscriber`: one delivery row each for the events it was never given
   * (marked with the replay), which the relay delivers as it delivers live ones: through the
   * subscriber's inbox (so each is handled once, however often it is replayed), and per
   * aggregate in publication order (a replayed event goes before the later live events of its
   * aggregate still pending). An event whose aggregate already had a later event handed to the
   * subscriber is skipped, and counted: handing it over now would break that order.
   *
   * Per publisher it runs in one transaction that holds off claims and new deliveries of that
   * outbox (SHARE ROW EXCLUSIVE) for as long as the insert takes, so no live delivery of an
   * aggregate starts between the check for later events and the replayed rows being there.
   */
  async replay(subscriber: string, from: ReplayStart): Promise<ReplayView> {
    const manifest = this.registry.manifest(subscriber);
    const known = this.registry.manifests.map((m) => m.name).sort();
    if (!manifest) throw new UnknownSubscriberError(`There is no module "${subscriber}" (modules: ${known.join(', ')})`, { subscriber, modules: known });
    if (manifest.subscribes.length === 0) throw new UnknownSubscriberError(`${subscriber} subscribes to no event: there is nothing to replay to it`, { subscriber });
    const id = randomUUID();
    const fromTime = from === 'beginning' ? null : from;
    for (const database of this.publishersOf(subscriber)) {
      const names = this.eventsOf(subscriber, database.module);
      await database.dataSource.transaction(async (manager) => {
        const s = `"${database.module}"`;
        await manager.query(`LOCK TABLE ${s}.seams_deliveries IN SHARE ROW EXCLUSIVE MODE`);
        const [counts]: { scheduled: string; skipped: string }[] = await manager.query(
          `WITH history AS (
             SELECT o.id, o.position, o.aggregate_id FROM ${s}.seams_outbox o
              WHERE o.name = ANY($1::text[]) AND ($2::timestamptz IS NULL OR o.created_at >= $2)
                AND NOT EXISTS (SELECT 1 FROM ${s}.seams_deliveries d WHERE d.event_id = o.id AND d.subscriber = $3)),
           judged AS (
             SELECT h.*, EXISTS (SELECT 1 FROM ${s}.seams_deliveries d
                                  WHERE d.subscriber = $3 AND d.aggregate_id = h.aggregate_id AND d.position > h.position
                                    AND (d.status = 'DELIVERED' OR (d.status = 'PENDING' AND d.lease_until > now()))) AS late
               FROM history h),
           scheduled AS (
             INSERT INTO ${s}.seams_deliveries (id, event_id, position, aggregate_id, subscriber, replay_id)
             SELECT gen_random_uuid(), j.id, j.position, j.aggregate_id, $3, $4 FROM judged j WHERE NOT j.late
             RETURNING 1)
           SELECT (SELECT count(*) FROM scheduled) AS scheduled, (SELECT count(*) FROM judged WHERE late) AS skipped`,
          [names, fromTime, subscriber, id],
        );
        await manager.query(`INSERT INTO ${s}.seams_replays (id, subscriber, from_time, scheduled, skipped) VALUES ($1, $2, $3, $4, $5)`, [
          id,
          subscriber,
          fromTime,
          Number(counts.scheduled),
          Number(counts.skipped),
        ]);
      });
      this.relay.wake(database.module);
    }
    const view = await this.replayView(id);
    if (!view) throw new UnknownSubscriberError(`No module of this process publishes an event ${subscriber} subscribes to`, { subscriber });
    this.logger.log(
      `replay ${id} to ${subscriber} from ${view.from ?? 'the beginning'}: ${view.scheduled} events scheduled` +
        (view.skipped > 0 ? `, ${view.skipped} skipped (a later event of their aggregate had been handled already)` : ''),
    );
    return view;
  }

  /** Every replay recorded in this process's outboxes, newest first. */
  async replays(): Promise<ReplayView[]> {
    const ids = new Set<string>();
    for (const database of this.databases.all()) {
      const rows: { id: string }[] = await database.dataSource.query(`SELECT id FROM "${database.module}".seams_replays ORDER BY created_at DESC LIMIT 100`);
      for (const row of rows) ids.add(row.id);
    }
    const views = await Promise.all([...ids].map((id) => this.replayView(id)));
    return views.filter((view): view is ReplayView => view !== undefined).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async replayOf(id: string): Promise<ReplayView> {
    const view = await this.replayView(id);
    if (!view) throw new ReplayNotFoundError(id);
    return view;
  }

  /**
   * Stops a replay: its deliveries not yet made (pending, or parked) are taken back and counted
   * as cancelled. One being handed over at that moment is taken back too: if it still succeeds,
   * the subscriber has handled it (its inbox has it) though it counts as cancelled; if it fails,
   * it is not retried. Stopping one that has ended changes nothing.
   */
  async stopReplay(id: string): Promise<ReplayView> {
    let found = false;
    for (const database of this.databases.all()) {
      const s = `"${database.module}"`;
      await database.dataSource.transaction(async (manager) => {
        const replay = returnedRows<{ id: string }>(await manager.query(`SELECT id FROM ${s}.seams_replays WHERE id = $1 AND stopped_at IS NULL FOR UPDATE`, [id]));
        if (replay.length === 0) return;
        found = true;
        const taken = returnedRows(
          await manager.query(
            `DELETE FROM ${s}.seams_deliveries WHERE replay_id = $1 AND status IN ('PENDING', 'PARKED') RETURNING 1`,
            [id],
          ),
        );
        await manager.query(`UPDATE ${s}.seams_replays SET stopped_at = now(), cancelled = cancelled + $2 WHERE id = $1`, [id, taken.length]);
      });
    }
    const view = await this.replayView(id);
    if (!view) throw new ReplayNotFoundError(id);
    if (found) this.logger.log(`replay ${id} to ${view.subscriber} stopped: ${view.cancelled} deliveries cancelled, ${view.delivered} made`);
    return view;
  }

  /** The modules of this process that publish an event `subscriber` subscribes to. */
  private publishersOf(subscriber: string): ModuleDatabase[] {
    return this.databases.all().filter((database) => this.eventsOf(subscriber, database.module).length > 0);
  }

  private eventsOf(subscriber: string, publisher: string): string[] {
    return (this.registry.manifest(subscriber)?.subscribes ?? []).map((event) => event.wire).filter((wire) => wire.startsWith(`${publisher}.`));
  }

  private async replayView(id: string): Promise<ReplayView | undefined> {
    const parts = await Promise.all(
      this.databases.all().map(async (database) => {
        const s = `"${database.module}"`;
        const [replay]: Record<string, unknown>[] = await database.dataSource.query(`SELECT * FROM ${s}.seams_replays WHERE id = $1`, [id]);
        if (!replay) return undefined;
        const counts: { status: DeliveryStatus; n: string }[] = await database.dataSource.query(
          `SELECT status, count(*) AS n FROM ${s}.seams_deliveries WHERE replay_id = $1 GROUP BY status`,
          [id],
        );
        const count = (status: DeliveryStatus) => Number(counts.find((row) => row.status === status)?.n ?? 0);
        return { publisher: database.module, replay, pending: count('PENDING'), parked: count('PARKED') };
      }),
    );
    const found = parts.filter((part) => part !== undefined);
    if (found.length === 0) return undefined;
    const first = found[0].replay;
    const sum = (pick: (part: (typeof found)[number]) => number) => found.reduce((total, part) => total + pick(part), 0);
    const scheduled = sum((part) => Number(part.replay.scheduled));
    const cancelled = sum((part) => Number(part.replay.cancelled));
    const pending = sum((part) => part.pending);
    const parked = sum((part) => part.parked);
    const stopped = found.some((part) => part.replay.stopped_at);
    const subscriber = first.subscriber as string;
    return {
      id,
      subscriber,
      from: first.from_time ? iso(first.from_time) : null,
      publishers: found.map((part) => part.publisher).sort(),
      events: found.flatMap((part) => this.eventsOf(subscriber, part.publisher)).sort(),
      state: stopped && pending + parked === 0 ? 'stopped' : pending > 0 ? 'running' : parked > 0 ? 'parked' : 'done',
      scheduled,
      // Delivered rows are deleted after the retention: what was scheduled and is neither left nor cancelled was delivered.
      delivered: scheduled - pending - parked - cancelled,
      pending,
      parked,
      cancelled,
      skipped: sum((part) => Number(part.replay.skipped)),
      createdAt: iso(first.created_at),
      stoppedAt: stopped ? iso(found.find((part) => part.replay.stopped_at)!.replay.stopped_at) : null,
    };
  }

  private async find(module: string, id: string): Promise<DeliveryView[]> {
    const database = this.databases.all().find((d) => d.module === module)!;
    const rows: Record<string, unknown>[] = await database.dataSource.query(
      `SELECT d.id, d.event_id, d.subscriber, d.status, d.attempts, d.last_error, d.next_attempt_at, d.created_at,
              d.delivered_at, o.name, o.payload, o.traceparent
         FROM "${module}".seams_deliveries d JOIN "${module}".seams_outbox o ON o.id = d.event_id WHERE d.id = $1`,
      [id],
    );
    return rows.map((row) => toView(module, row));
  }
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));

function toView(publisher: string, row: Record<string, unknown>): DeliveryView {
  return {
    id: row.id as string,
    eventId: row.event_id as string,
    publisher,
    subscriber: row.subscriber as string,
    name: row.name as string,
    status: row.status as DeliveryStatus,
    attempts: row.attempts as number,
    lastError: (row.last_error as string | null) ?? null,
    nextAttemptAt: iso(row.next_attempt_at),
    createdAt: iso(row.created_at),
    deliveredAt: row.delivered_at ? iso(row.delivered_at) : null,
    payload: row.payload,
    traceId: traceIdOf(row.traceparent),
  };
}

/** The trace id of a stored W3C `traceparent` (null when there is none or it does not parse). */
function traceIdOf(traceparent: unknown): string | null {
  const match = typeof traceparent === 'string' ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/.exec(traceparent) : null;
  return match && !/^0+$/.test(match[1]) ? match[1] : null;
}

/** The outbox gauges of one module, each part by a partial index (`seams_deliveries_pending`, `_parked`, `_pending_age`). */
export function outboxStatsQuery(module: string): string {
  const d = `"${module}".seams_deliveries`;
  return `SELECT (SELECT count(*) FROM ${d} WHERE status = 'PENDING') AS depth,
                 (SELECT count(*) FROM ${d} WHERE status = 'PARKED') AS parked,
                 (SELECT extract(epoch FROM now() - min(created_at)) * 1000 FROM ${d} WHERE status = 'PENDING') AS lag_ms`;
}

import { Injectable } from '@nestjs/common';
import { DomainError } from '../primitives';
import { DatabaseRegistry, returnedRows } from '../persistence';
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

/** Reads the outboxes of the modules in this process, and puts parked deliveries back in line. */
@Injectable()
export class OutboxAdmin {
  constructor(
    private readonly databases: DatabaseRegistry,
    private readonly relay: OutboxRelay,
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

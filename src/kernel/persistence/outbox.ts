import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError, type IntegrationEvent, type MessageClass } from '../primitives';
import { type InboxClaim, type MessageRegistry, RequestContexts } from '../seam';
import { OUTBOX_CHANNEL } from './messaging-tables';

/**
 * The rows a `RETURNING` statement gave back: TypeORM answers INSERT with the rows, but UPDATE
 * and DELETE with `[rows, affected count]`.
 */
export function returnedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/** A delivery whose event this subscriber has already handled; nothing to do again. */
export class DuplicateDeliveryError extends DomainError {
  readonly code = 'seam.duplicate-delivery';
  readonly kind = 'conflict';
}

/**
 * Writes published events to the module's outbox, with one delivery row per subscribing
 * module, inside the caller's transaction; the commit notifies the relay.
 */
export async function writeOutbox(
  manager: EntityManager,
  schema: string,
  registry: MessageRegistry,
  events: readonly IntegrationEvent[],
): Promise<void> {
  const context = RequestContexts.current();
  const rows = events.map((event) => {
    const type = event.constructor as unknown as MessageClass;
    const id = randomUUID();
    const aggregate = type.aggregate ? (event as unknown as Record<string, unknown>)[type.aggregate] : undefined;
    return { id, name: type.wire, aggregate: aggregate === undefined ? id : String(aggregate), payload: JSON.stringify(event) };
  });
  const inserted: { id: string; position: string; aggregate_id: string; name: string }[] = await manager.query(
    `INSERT INTO "${schema}".seams_outbox (id, name, aggregate_id, payload, correlation_id, causation_id)
     SELECT id, name, aggregate_id, payload, $5, $6
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) AS e(id, name, aggregate_id, payload)
     RETURNING id, position, aggregate_id, name`,
    [
      rows.map((row) => row.id),
      rows.map((row) => row.name),
      rows.map((row) => row.aggregate),
      rows.map((row) => row.payload),
      context?.correlationId ?? null,
      context?.messageId ?? context?.correlationId ?? null,
    ],
  );
  const deliveries = inserted.flatMap((row) => registry.subscribersOf(row.name).map((subscriber) => ({ ...row, subscriber })));
  if (deliveries.length > 0) {
    await manager.query(
      `INSERT INTO "${schema}".seams_deliveries (id, event_id, position, aggregate_id, subscriber)
       SELECT gen_random_uuid(), event_id, position, aggregate_id, subscriber
         FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) AS d(event_id, position, aggregate_id, subscriber)`,
      [
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.position),
        deliveries.map((d) => d.aggregate_id),
        deliveries.map((d) => d.subscriber),
      ],
    );
    await manager.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, schema]);
  }
}

/** Records the subscriber's claim in the module's inbox, or throws if it was handled before. */
export async function claimInbox(manager: EntityManager, schema: string, claim: InboxClaim): Promise<void> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO "${schema}".seams_inbox (event_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
    [claim.eventId, claim.handler],
  );
  if (rows.length === 0) throw new DuplicateDeliveryError(`${claim.handler} has already handled event ${claim.eventId}`);
}

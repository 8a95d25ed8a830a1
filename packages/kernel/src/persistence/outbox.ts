import { randomUUID } from 'node:crypto';
import { context as otelContext, propagation } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { DomainError, type IntegrationEvent, type MessageClass } from '../primitives';
import { type InboxClaim, RequestContexts } from '../context';
import type { MessageRegistry } from '../seam';
import { OUTBOX_CHANNEL, TRACEPARENT_MAX, TRACESTATE_MAX } from './messaging-tables';

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
 * The W3C trace context of the work under way (the active OpenTelemetry span), to store with
 * the events it publishes; nulls when tracing is off (the global propagator is then a no-op)
 * or no trace is active. Anything over the columns' bounds is left out, never an error.
 */
function publishingTraceContext(): [string | null, string | null] {
  const carrier: { traceparent?: string; tracestate?: string } = {};
  propagation.inject(otelContext.active(), carrier);
  const traceparent = typeof carrier.traceparent === 'string' && carrier.traceparent.length <= TRACEPARENT_MAX ? carrier.traceparent : null;
  const tracestate = traceparent && typeof carrier.tracestate === 'string' && carrier.tracestate.length <= TRACESTATE_MAX ? carrier.tracestate : null;
  return [traceparent, tracestate];
}

/**
 * Writes published events to the module's outbox, with one delivery row per subscribing
 * module, inside the caller's transaction; the commit notifies the relay. Each event keeps the
 * trace context of the publishing work, so its deliveries continue that trace.
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
  const outbox = `INSERT INTO "${schema}".seams_outbox (id, name, aggregate_id, payload, correlation_id, causation_id, traceparent, tracestate)
     SELECT id, name, aggregate_id, payload, $5, $6, $7, $8
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) AS e(id, name, aggregate_id, payload)`;
  const parameters = [
    rows.map((row) => row.id),
    rows.map((row) => row.name),
    rows.map((row) => row.aggregate),
    rows.map((row) => row.payload),
    context?.correlationId ?? null,
    context?.messageId ?? context?.correlationId ?? null,
    ...publishingTraceContext(),
  ];
  const deliveries = rows.flatMap((row) => registry.subscribersOf(row.name).map((subscriber) => ({ eventId: row.id, subscriber })));
  if (deliveries.length === 0) {
    await manager.query(outbox, parameters);
    return;
  }
  // One round trip for the events, their deliveries (one per subscribing module, in the
  // events' positions) and the relay's wake-up call, sent when the transaction commits.
  await manager.query(
    `WITH o AS (${outbox} RETURNING id, position, aggregate_id),
          d AS (INSERT INTO "${schema}".seams_deliveries (id, event_id, position, aggregate_id, subscriber)
                SELECT gen_random_uuid(), o.id, o.position, o.aggregate_id, s.subscriber
                  FROM o JOIN unnest($9::uuid[], $10::text[]) AS s(event_id, subscriber) ON s.event_id = o.id
                RETURNING 1)
     SELECT pg_notify($11, $12) FROM (SELECT 1 FROM d LIMIT 1) AS delivered`,
    [...parameters, deliveries.map((d) => d.eventId), deliveries.map((d) => d.subscriber), OUTBOX_CHANNEL, schema],
  );
}

/** Records the subscriber's claim in the module's inbox, or throws if it was handled before. */
export async function claimInbox(manager: EntityManager, schema: string, claim: InboxClaim): Promise<void> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO "${schema}".seams_inbox (event_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
    [claim.eventId, claim.handler],
  );
  if (rows.length === 0) throw new DuplicateDeliveryError(`${claim.handler} has already handled event ${claim.eventId}`);
}

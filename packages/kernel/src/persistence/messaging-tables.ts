import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The kernel's own tables in every module's schema, created before the module's migrations:
 *   seams_outbox      events the module published, written in the transaction of the change
 *   seams_deliveries  one row per (event, subscribing module): pending, delivered or parked
 *   seams_inbox       events this module's subscribers have handled, written with their effect
 *   seams_replays     replays of the kept events to a subscriber added later (replayMigration)
 */
export function messagingMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return class SeamsMessaging1732400000000 implements MigrationInterface {
    readonly name = 'SeamsMessaging1732400000000';

    async up(db: QueryRunner): Promise<void> {
      await db.query(`
        CREATE TABLE ${s}.seams_outbox (
          id             uuid         PRIMARY KEY,
          position       bigserial    NOT NULL UNIQUE,
          name           varchar(200) NOT NULL,
          aggregate_id   varchar(200) NOT NULL,
          payload        jsonb        NOT NULL,
          correlation_id varchar(200),
          causation_id   varchar(200),
          created_at     timestamptz  NOT NULL DEFAULT now()
        )`);
      await db.query(`
        CREATE TABLE ${s}.seams_deliveries (
          id              uuid         PRIMARY KEY,
          event_id        uuid         NOT NULL REFERENCES ${s}.seams_outbox (id) ON DELETE CASCADE,
          position        bigint       NOT NULL,
          aggregate_id    varchar(200) NOT NULL,
          subscriber      varchar(100) NOT NULL,
          status          varchar(16)  NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'PARKED')),
          attempts        integer      NOT NULL DEFAULT 0,
          next_attempt_at timestamptz  NOT NULL DEFAULT now(),
          lease_until     timestamptz,
          last_error      text,
          created_at      timestamptz  NOT NULL DEFAULT now(),
          delivered_at    timestamptz,
          UNIQUE (event_id, subscriber)
        )`);
      // the relay walks pending deliveries in publication order and stops at its batch size
      await db.query(`CREATE INDEX seams_deliveries_pending ON ${s}.seams_deliveries (position) WHERE status = 'PENDING'`);
      await db.query(
        `CREATE INDEX seams_deliveries_order ON ${s}.seams_deliveries (subscriber, aggregate_id, position) WHERE status = 'PENDING'`,
      );
      await db.query(`CREATE INDEX seams_deliveries_done ON ${s}.seams_deliveries (delivered_at) WHERE status = 'DELIVERED'`);
      await db.query(`
        CREATE TABLE ${s}.seams_inbox (
          event_id   uuid         NOT NULL,
          handler    varchar(200) NOT NULL,
          handled_at timestamptz  NOT NULL DEFAULT now(),
          PRIMARY KEY (event_id, handler)
        )`);
      await db.query(`CREATE INDEX seams_inbox_handled ON ${s}.seams_inbox (handled_at)`);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`DROP TABLE ${s}.seams_inbox`);
      await db.query(`DROP TABLE ${s}.seams_deliveries`);
      await db.query(`DROP TABLE ${s}.seams_outbox`);
    }
  };
}

/**
 * Parked deliveries hold back the later events of their aggregate for their subscriber (order
 * holds per aggregate even through a parked event): the relay's claim looks them up by this
 * index, as it looks up pending ones by `seams_deliveries_order`.
 */
export function parkedOrderMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return class SeamsParkedOrder1732400000001 implements MigrationInterface {
    readonly name = 'SeamsParkedOrder1732400000001';

    async up(db: QueryRunner): Promise<void> {
      await db.query(`CREATE INDEX seams_deliveries_parked ON ${s}.seams_deliveries (subscriber, aggregate_id, position) WHERE status = 'PARKED'`);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`DROP INDEX ${s}.seams_deliveries_parked`);
    }
  };
}

/**
 * The W3C trace context (`traceparent`, `tracestate`) of the work that published the event,
 * so its delivery continues that trace (see docs/adr/0019-traces-through-the-outbox.md). Both
 * are null for an event published with tracing off or outside any trace. The bounds are the
 * ones `writeOutbox` keeps to (it stores nothing longer).
 */
export function traceContextMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return class SeamsTraceContext1732400000002 implements MigrationInterface {
    readonly name = 'SeamsTraceContext1732400000002';

    async up(db: QueryRunner): Promise<void> {
      await db.query(`ALTER TABLE ${s}.seams_outbox ADD COLUMN traceparent varchar(${TRACEPARENT_MAX}), ADD COLUMN tracestate varchar(${TRACESTATE_MAX})`);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`ALTER TABLE ${s}.seams_outbox DROP COLUMN tracestate, DROP COLUMN traceparent`);
    }
  };
}

/**
 * The failures of a delivery whose subscriber was reached (`failures`), counted apart from its
 * attempts: a delivery is parked after `maxAttempts` such failures, while the attempts made
 * during an outage of its subscriber (unreachable: connection refused, breaker open, or a
 * timeout with its host answering no ping) only set the backoff. Counting every attempt parked a
 * delivery at the first failure after an outage of a few seconds (a killed host coming back),
 * though its subscriber had not kept failing.
 */
export function deliveryFailuresMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return class SeamsDeliveryFailures1732400000003 implements MigrationInterface {
    readonly name = 'SeamsDeliveryFailures1732400000003';

    async up(db: QueryRunner): Promise<void> {
      await db.query(`ALTER TABLE ${s}.seams_deliveries ADD COLUMN failures integer NOT NULL DEFAULT 0`);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`ALTER TABLE ${s}.seams_deliveries DROP COLUMN failures`);
    }
  };
}

/**
 * Replays: a subscribing module started from a point in the history the outboxes keep (see
 * OutboxAdmin.replay). A replayed delivery is an ordinary delivery row marked with its replay;
 * `seams_replays` (in each publisher's schema) records what the replay scheduled there, what it
 * skipped to keep per-aggregate order, and what a stop cancelled.
 */
export function replayMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return class SeamsReplays1732400000005 implements MigrationInterface {
    readonly name = 'SeamsReplays1732400000005';

    async up(db: QueryRunner): Promise<void> {
      await db.query(`ALTER TABLE ${s}.seams_deliveries ADD COLUMN replay_id uuid`);
      await db.query(`CREATE INDEX seams_deliveries_replay ON ${s}.seams_deliveries (replay_id, status) WHERE replay_id IS NOT NULL`);
      // the history a replay reads: events by name and time
      await db.query(`CREATE INDEX seams_outbox_history ON ${s}.seams_outbox (name, created_at)`);
      await db.query(`
        CREATE TABLE ${s}.seams_replays (
          id          uuid         PRIMARY KEY,
          subscriber  varchar(100) NOT NULL,
          from_time   timestamptz,
          scheduled   integer      NOT NULL,
          skipped     integer      NOT NULL,
          cancelled   integer      NOT NULL DEFAULT 0,
          created_at  timestamptz  NOT NULL DEFAULT now(),
          stopped_at  timestamptz
        )`);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`DROP TABLE ${s}.seams_replays`);
      await db.query(`DROP INDEX ${s}.seams_outbox_history`);
      await db.query(`DROP INDEX ${s}.seams_deliveries_replay`);
      await db.query(`ALTER TABLE ${s}.seams_deliveries DROP COLUMN replay_id`);
    }
  };
}

/** Longest `traceparent` stored (version 00 is 55 characters; later versions may add fields). */
export const TRACEPARENT_MAX = 128;
/** Longest `tracestate` stored (W3C: at least 512 characters should be propagated; a longer one is dropped). */
export const TRACESTATE_MAX = 512;

/** The channel a commit notifies; the payload is the schema whose outbox has new rows. */
export const OUTBOX_CHANNEL = 'seams_outbox';

/**
 * The age of the oldest pending delivery (the `seams_outbox_lag_seconds` gauge) by an index
 * of pending rows only: a scrape counts pending and parked rows through partial indexes and
 * never reads the days of delivered ones the table keeps.
 */
export function pendingAgeMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return class SeamsPendingAge1732400000004 implements MigrationInterface {
    readonly name = 'SeamsPendingAge1732400000004';

    async up(db: QueryRunner): Promise<void> {
      await db.query(`CREATE INDEX seams_deliveries_pending_age ON ${s}.seams_deliveries (created_at) WHERE status = 'PENDING'`);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`DROP INDEX ${s}.seams_deliveries_pending_age`);
    }
  };
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cancellation reason is `payment declined: ` (18 characters) and the decline reason of
 * `payments.payment-declined.v1`, which may have 200: 218 in all (issue 13). The entity
 * derives the same length from PAYMENT_DECLINE_REASON_MAX_LENGTH; this migration keeps the
 * number it was written with, as migrations do.
 */
export class WidenCancellationReason1732800000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE ordering.orders ALTER COLUMN cancellation_reason TYPE varchar(218)');
  }

  async down(db: QueryRunner): Promise<void> {
    // Longer reasons are cut to fit again (their first 199 characters and …).
    await db.query(`
      ALTER TABLE ordering.orders ALTER COLUMN cancellation_reason TYPE varchar(200)
        USING CASE WHEN length(cancellation_reason) > 200 THEN left(cancellation_reason, 199) || '…' ELSE cancellation_reason END`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayments1732464000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payments.payments (
        id             uuid         PRIMARY KEY,
        order_id       uuid         NOT NULL,
        amount_minor   bigint       NOT NULL CHECK (amount_minor >= 0),
        currency       char(3)      NOT NULL,
        status         varchar(16)  NOT NULL CHECK (status IN ('CAPTURED', 'DECLINED')),
        decline_reason varchar(200),
        created_at     timestamptz  NOT NULL DEFAULT now(),
        -- one attempt per order: an order is never charged twice
        CONSTRAINT payments_order_unique UNIQUE (order_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE payments.payments');
  }
}

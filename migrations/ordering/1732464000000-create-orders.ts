import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1732464000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ordering.orders (
        id                  uuid         PRIMARY KEY,
        customer_id         varchar(64)  NOT NULL,
        status              varchar(16)  NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
        total_minor         bigint       NOT NULL CHECK (total_minor >= 0),
        currency            char(3)      NOT NULL,
        lines               jsonb        NOT NULL,
        cancellation_reason varchar(200),
        created_at          timestamptz  NOT NULL DEFAULT now(),
        updated_at          timestamptz  NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX orders_customer_idx ON ordering.orders (customer_id, created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE ordering.orders');
  }
}

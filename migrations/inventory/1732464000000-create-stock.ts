import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStock1732464000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE inventory.stock_items (
        sku        varchar(64) PRIMARY KEY,
        on_hand    integer     NOT NULL,
        reserved   integer     NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- the last line of defence behind the domain's invariant: stock never goes negative
        CONSTRAINT stock_items_reserved_within_on_hand CHECK (reserved >= 0 AND reserved <= on_hand)
      )`);
    await db.query(`
      CREATE TABLE inventory.reservations (
        order_id   uuid        PRIMARY KEY,
        lines      jsonb       NOT NULL,
        status     varchar(16) NOT NULL CHECK (status IN ('HELD', 'COMMITTED', 'RELEASED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE inventory.reservations');
    await db.query('DROP TABLE inventory.stock_items');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProducts1732464000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE catalog.products (
        sku         varchar(64)  PRIMARY KEY,
        name        varchar(200) NOT NULL,
        price_minor integer      NOT NULL CHECK (price_minor >= 0),
        currency    char(3)      NOT NULL,
        created_at  timestamptz  NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE catalog.products');
  }
}

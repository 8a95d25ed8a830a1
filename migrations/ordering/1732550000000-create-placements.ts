import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePlacements1732550000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    // An order being placed: stock may be reserved for it while the order itself is not yet
    // stored. A placement left behind by a crash is found and its reservation released.
    await db.query(`
      CREATE TABLE ordering.placements (
        order_id   uuid        PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX placements_created_idx ON ordering.placements (created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE ordering.placements');
  }
}

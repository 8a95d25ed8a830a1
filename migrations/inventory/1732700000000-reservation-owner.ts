import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who a reservation was made for (the end user's token subject; null when a service made it). */
export class ReservationOwner1732700000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE inventory.reservations ADD COLUMN owner varchar(200)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE inventory.reservations DROP COLUMN owner');
  }
}

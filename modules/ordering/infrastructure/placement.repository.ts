import type { EntityManager } from 'typeorm';
import { returnedRows } from '@seams/kernel/persistence';
import type { PlacementRepository } from '../application/ports/placement.repository';

/** Orders being placed (see migrations/ordering/1732550000000-create-placements.ts), on one entity manager. */
export class TypeOrmPlacementRepository implements PlacementRepository {
  constructor(private readonly manager: EntityManager) {}

  async begin(orderId: string): Promise<void> {
    await this.manager.query('INSERT INTO ordering.placements (order_id) VALUES ($1)', [orderId]);
  }

  async finish(orderId: string): Promise<boolean> {
    return returnedRows(await this.manager.query('DELETE FROM ordering.placements WHERE order_id = $1 RETURNING 1', [orderId])).length === 1;
  }

  async lockStale(staleMs: number, limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await this.manager.query(
      `SELECT order_id FROM ordering.placements
        WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [staleMs, limit],
    );
    return rows.map((row) => row.order_id);
  }
}

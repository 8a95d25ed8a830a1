import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ModuleDatabase, returnedRows } from '@seams/kernel/persistence';

/** Orders being placed (see migrations/ordering/1732550000000-create-placements.ts). */
@Injectable()
export class PlacementRepository {
  constructor(private readonly database: ModuleDatabase) {}

  /** Records the intent before any stock is reserved; committed at once. */
  async begin(orderId: string): Promise<void> {
    await this.database.manager.query('INSERT INTO ordering.placements (order_id) VALUES ($1)', [orderId]);
  }

  /** Ends the placement in the caller's transaction; false if recovery took it over meanwhile. */
  async finish(manager: EntityManager, orderId: string): Promise<boolean> {
    return returnedRows(await manager.query('DELETE FROM ordering.placements WHERE order_id = $1 RETURNING 1', [orderId])).length === 1;
  }

  /** Placements older than `staleMs`, locked (skipping those another instance holds) in the caller's transaction. */
  async lockStale(manager: EntityManager, staleMs: number, limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await manager.query(
      `SELECT order_id FROM ordering.placements
        WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [staleMs, limit],
    );
    return rows.map((row) => row.order_id);
  }
}

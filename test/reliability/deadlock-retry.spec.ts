// @uses-modules inventory
import { Client } from 'pg';
import { DatabaseRegistry, type ModuleDatabase } from '@seams/kernel/persistence';
import { someoneWaitsForALock } from '../support/lock-waiters';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A module transaction that PostgreSQL picks as the victim of a deadlock runs again instead
 * of failing the request: nothing of the rolled-back attempt took effect.
 */
describe('a transaction chosen as a deadlock victim', () => {
  let app: TestApp;
  let inventory: ModuleDatabase;

  beforeAll(async () => {
    app = await startTestApp();
    for (const sku of ['DL-X', 'DL-Y']) await app.http.put(`/v1/inventory/stock/${sku}`).send({ onHand: 10 }).expect(200);
    inventory = app.app
      .get(DatabaseRegistry)
      .all()
      .find((database) => database.module === 'inventory')!;
  });

  afterAll(() => app?.close());

  it('is run again and commits, once', async () => {
    const rival = new Client({ connectionString: app.database.url });
    const watcher = new Client({ connectionString: app.database.url });
    await Promise.all([rival.connect(), watcher.connect()]);
    try {
      // The rival checks for deadlocks late, so PostgreSQL picks our transaction as the victim.
      await rival.query(`SET deadlock_timeout = '10s'`);
      await rival.query('BEGIN');
      await rival.query(`SELECT * FROM inventory.stock_items WHERE sku = 'DL-Y' FOR UPDATE`);

      let attempts = 0;
      const ours = inventory.transaction(async ({ manager }) => {
        attempts++;
        await manager.query(`UPDATE inventory.stock_items SET on_hand = on_hand + 1 WHERE sku = 'DL-X'`);
        await manager.query(`UPDATE inventory.stock_items SET on_hand = on_hand + 1 WHERE sku = 'DL-Y'`);
        return attempts;
      });
      await someoneWaitsForALock(watcher); // ours holds X and waits for Y
      const rivalTakesX = rival.query(`UPDATE inventory.stock_items SET on_hand = on_hand + 100 WHERE sku = 'DL-X'`);
      await rivalTakesX; // granted once ours was rolled back as the victim
      await rival.query('COMMIT');

      expect(await ours).toBe(2);
      const { rows } = await watcher.query(`SELECT sku, on_hand FROM inventory.stock_items WHERE sku IN ('DL-X', 'DL-Y') ORDER BY sku`);
      expect(rows).toEqual([
        { sku: 'DL-X', on_hand: 111 },
        { sku: 'DL-Y', on_hand: 11 },
      ]);
    } finally {
      await rival.query('ROLLBACK').catch(() => undefined);
      await Promise.all([rival.end(), watcher.end()]);
    }
  });

  it('still fails at once for errors that are not a clash of timing', async () => {
    let attempts = 0;
    await expect(
      inventory.transaction(async ({ manager }) => {
        attempts++;
        await manager.query('SELECT * FROM inventory.no_such_table');
      }),
    ).rejects.toThrow(/does not exist/);
    expect(attempts).toBe(1);
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { RequestContexts } from '@seams/kernel/context';
import { DatabaseRegistry, DuplicateDeliveryError, type ModuleDatabase, TypeOrmUnitOfWork } from '@seams/kernel/persistence';
import { SeamTimeoutError } from '@seams/kernel/seam';
import { OrderConfirmed } from '../../modules/ordering/contract';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * `UnitOfWork` (the port application handlers see) keeps every guarantee of
 * `ModuleDatabase.transaction`: the outbox in the same transaction, the inbox claim in the same
 * commit, joining a relay batch, rollback past the deadline, and a retry after a deadlock, with
 * the repositories bound again to the new transaction.
 */
describe('the unit of work', () => {
  let app: TestApp;
  let ordering: ModuleDatabase;
  let inventory: ModuleDatabase;
  /** A probe repository: which transaction it runs in, and a write that rolls back with it. */
  const probeOf = (manager: EntityManager) => ({
    transactionId: async () => ((await manager.query('SELECT txid_current()::text AS id')) as { id: string }[])[0].id,
    recordPlacement: (orderId: string) => manager.query('INSERT INTO ordering.placements (order_id) VALUES ($1)', [orderId]),
  });
  let unitOfWork: TypeOrmUnitOfWork<{ probe: ReturnType<typeof probeOf> }>;

  const outboxOf = async (orderId: string) =>
    (await ordering.manager.query(`SELECT name FROM ordering.seams_outbox WHERE payload->>'orderId' = $1`, [orderId])) as { name: string }[];
  const placementOf = async (orderId: string) =>
    ((await ordering.manager.query('SELECT 1 FROM ordering.placements WHERE order_id = $1', [orderId])) as unknown[]).length;

  beforeAll(async () => {
    app = await startTestApp();
    const databases = app.app.get(DatabaseRegistry).all();
    ordering = databases.find((database) => database.module === 'ordering')!;
    inventory = databases.find((database) => database.module === 'inventory')!;
    unitOfWork = new TypeOrmUnitOfWork(ordering, (manager) => ({ probe: probeOf(manager) }));
  });
  afterAll(() => app?.close());

  it('writes published events to the outbox in the same transaction as the repositories', async () => {
    const orderId = randomUUID();
    await unitOfWork.run(async ({ probe, publish }) => {
      await probe.recordPlacement(orderId);
      publish(new OrderConfirmed(orderId));
    });
    expect(await placementOf(orderId)).toBe(1);
    expect(await outboxOf(orderId)).toEqual([{ name: 'ordering.order-confirmed.v1' }]);
  });

  it('rolls back both the writes and the events when the work fails', async () => {
    const orderId = randomUUID();
    await expect(
      unitOfWork.run(async ({ probe, publish }) => {
        await probe.recordPlacement(orderId);
        publish(new OrderConfirmed(orderId));
        throw new Error('changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    expect(await placementOf(orderId)).toBe(0);
    expect(await outboxOf(orderId)).toEqual([]);
  });

  it('claims a delivered event in the inbox in the same commit: a redelivery has no second effect', async () => {
    const orderId = randomUUID();
    const eventId = randomUUID();
    const deliver = () =>
      RequestContexts.run(
        { correlationId: 'uow-inbox', delivery: { eventId, module: 'ordering', handler: 'ordering/UnitOfWorkProbe', claimed: false } },
        () => unitOfWork.run(({ publish }) => Promise.resolve(publish(new OrderConfirmed(orderId)))),
      );
    await deliver();
    await expect(deliver()).rejects.toBeInstanceOf(DuplicateDeliveryError);
    expect(await outboxOf(orderId)).toHaveLength(1);
  });

  it('joins a relay batch of its module: one transaction for the lot', async () => {
    const ids = await ordering.batch([], async () => [
      await unitOfWork.run(({ probe }) => probe.transactionId()),
      await unitOfWork.run(({ probe }) => probe.transactionId()),
    ]);
    const alone = await unitOfWork.run(({ probe }) => probe.transactionId());
    expect(ids[0]).toBe(ids[1]);
    expect(alone).not.toBe(ids[0]);
  });

  it('rolls back work whose deadline passed before the commit', async () => {
    const orderId = randomUUID();
    await expect(
      RequestContexts.run({ correlationId: 'uow-deadline', deadline: Date.now() + 20 }, () =>
        unitOfWork.run(async ({ probe }) => {
          await probe.recordPlacement(orderId);
          await new Promise((resolve) => setTimeout(resolve, 60));
        }),
      ),
    ).rejects.toBeInstanceOf(SeamTimeoutError);
    expect(await placementOf(orderId)).toBe(0);
  });

  it('runs again after a deadlock, with the repositories bound to the new transaction', async () => {
    for (const sku of ['UOW-X', 'UOW-Y']) await app.http.put(`/v1/inventory/stock/${sku}`).send({ onHand: 10 }).expect(200);
    const managers: EntityManager[] = [];
    const stockOf = (manager: EntityManager) => {
      managers.push(manager);
      return { add: (sku: string) => manager.query(`UPDATE inventory.stock_items SET on_hand = on_hand + 1 WHERE sku = $1`, [sku]) };
    };
    const inventoryWork = new TypeOrmUnitOfWork(inventory, (manager) => ({ stock: stockOf(manager) }));
    const rival = new Client({ connectionString: app.database.url });
    const watcher = new Client({ connectionString: app.database.url });
    await Promise.all([rival.connect(), watcher.connect()]);
    try {
      await rival.query(`SET deadlock_timeout = '10s'`); // so PostgreSQL picks ours as the victim
      await rival.query('BEGIN');
      await rival.query(`SELECT * FROM inventory.stock_items WHERE sku = 'UOW-Y' FOR UPDATE`);
      const ours = inventoryWork.run(async ({ stock }) => {
        await stock.add('UOW-X');
        await stock.add('UOW-Y');
      });
      for (let i = 0; i < 200; i++) {
        const { rows } = await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`);
        if (rows[0].n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await rival.query(`UPDATE inventory.stock_items SET on_hand = on_hand + 100 WHERE sku = 'UOW-X'`);
      await rival.query('COMMIT');
      await ours;

      expect(managers).toHaveLength(2);
      expect(managers[1]).not.toBe(managers[0]);
      const { rows } = await watcher.query(`SELECT sku, on_hand FROM inventory.stock_items WHERE sku IN ('UOW-X', 'UOW-Y') ORDER BY sku`);
      expect(rows).toEqual([
        { sku: 'UOW-X', on_hand: 111 },
        { sku: 'UOW-Y', on_hand: 11 },
      ]);
    } finally {
      await rival.query('ROLLBACK').catch(() => undefined);
      await Promise.all([rival.end(), watcher.end()]);
    }
  });
});

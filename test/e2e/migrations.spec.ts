// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import { createApp } from '../../src/host/create-app';
import { MANIFESTS } from '../../src/host/manifests';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('module migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(() => database?.drop());

  it('run once when two instances start on the same empty database at the same time', async () => {
    const settings = { database: { url: database.url, poolSize: 2 }, logger: false as const };
    const apps = await Promise.all([createApp(settings), createApp(settings)]);
    await Promise.all(apps.map((app) => app.init()));
    await Promise.all(apps.map((app) => app.close()));

    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      for (const module of ['catalog', 'payments']) {
        const { rows } = await db.query(`SELECT name FROM "${module}".migrations ORDER BY id`);
        expect(rows.map((row) => row.name)).toEqual(['SeamsMessaging1732400000000', 'SeamsParkedOrder1732400000001', 'SeamsTraceContext1732400000002', 'SeamsDeliveryFailures1732400000003', 'SeamsPendingAge1732400000004', 'SeamsReplays1732400000005', expect.stringMatching(/1732464000000$/)]);
      }
      const inventory = await db.query(`SELECT name FROM inventory.migrations ORDER BY id`);
      expect(inventory.rows.map((row) => row.name)).toEqual(['SeamsMessaging1732400000000', 'SeamsParkedOrder1732400000001', 'SeamsTraceContext1732400000002', 'SeamsDeliveryFailures1732400000003', 'SeamsPendingAge1732400000004', 'SeamsReplays1732400000005', 'CreateStock1732464000000', 'ReservationOwner1732700000000']);
      // Every registered module (src/host/manifests.ts): the kernel's tables first, each migration once.
      for (const { name: module } of MANIFESTS) {
        const { rows } = await db.query<{ name: string }>(`SELECT name FROM "${module}".migrations ORDER BY id`);
        const names = rows.map((row) => row.name);
        expect({ module, first: names[0], once: new Set(names).size === names.length }).toEqual({ module, first: 'SeamsMessaging1732400000000', once: true });
      }
      const { rows } = await db.query(`SELECT name FROM ordering.migrations ORDER BY id`);
      expect(rows.map((row) => row.name)).toEqual([
        'SeamsMessaging1732400000000',
        'SeamsParkedOrder1732400000001',
        'SeamsTraceContext1732400000002',
        'SeamsDeliveryFailures1732400000003',
        'SeamsPendingAge1732400000004',
        'SeamsReplays1732400000005',
        'CreateOrders1732464000000',
        'CreatePlacements1732550000000',
        'WidenCancellationReason1732800000000',
      ]);
    } finally {
      await db.end();
    }
  });
});

// @uses-modules catalog, inventory, ordering
import { MANIFESTS } from '../../src/host/manifests';
import { DatabaseRegistry, type ModuleDatabase } from '@seams/kernel/persistence';
import { startTestApp, type TestApp } from '../support/test-app';

/** Each module connects as a database role of its own, with rights on its own schema only. */
describe('database roles per module', () => {
  let app: TestApp;
  const database = (module: string): ModuleDatabase =>
    app.app
      .get(DatabaseRegistry)
      .all()
      .find((each) => each.module === module)!;

  beforeAll(async () => {
    app = await startTestApp();
    await app.http.post('/v1/catalog/products').send({ sku: 'ROLE-1', name: 'R', priceMinor: 10, currency: 'EUR' }).expect(201);
    await app.http.put('/v1/inventory/stock/ROLE-1').send({ onHand: 5 }).expect(200);
    await app.http.post('/v1/orders').send({ lines: [{ sku: 'ROLE-1', quantity: 1 }] }).expect(201);
  });

  afterAll(() => app?.close());

  it('connects every module as seams_<module> (dashes become underscores)', async () => {
    for (const module of MANIFESTS.map((manifest) => manifest.name)) {
      const [{ user }] = await database(module).dataSource.query('SELECT current_user AS "user"');
      expect({ module, user }).toEqual({ module, user: `seams_${module.replace(/-/g, '_')}` });
    }
  });

  it("refuses inventory's connection when it reads ordering's tables, or catalog's", async () => {
    const inventory = database('inventory').dataSource;
    await expect(inventory.query('SELECT count(*) FROM ordering.orders')).rejects.toThrow(/permission denied for schema ordering/);
    await expect(inventory.query('SELECT count(*) FROM catalog.products')).rejects.toThrow(/permission denied for schema catalog/);
    await expect(inventory.query('SELECT count(*) FROM ordering.seams_outbox')).rejects.toThrow(/permission denied/);
    // its own tables, it reads and writes
    const [{ count }] = await inventory.query(`SELECT count(*)::int AS count FROM inventory.stock_items WHERE sku = 'ROLE-1'`);
    expect(count).toBe(1);
  });

  it('cannot change its own schema or make roles: migrations run with the configured user', async () => {
    const inventory = database('inventory').dataSource;
    await expect(inventory.query('CREATE TABLE inventory.sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(inventory.query('CREATE ROLE sneaky')).rejects.toThrow(/permission denied/);
  });
});

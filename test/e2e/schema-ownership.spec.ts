// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../src/host/create-app';
import { MANIFESTS } from '../../src/host/manifests';
import { DatabaseRegistry } from '@seams/kernel/persistence';
import { createTestDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';
import { adminBearer, testAuthEnv } from '../support/auth';

/** Every registered module (src/host/manifests.ts), so a new module is checked without editing this file. */
const MODULES = MANIFESTS.map((manifest) => manifest.name).sort();
/** The shop's own tables; any other module must at least keep its tables in its own schema. */
const SHOP_TABLES: Record<string, string[]> = {
  catalog: ['products'],
  inventory: ['reservations', 'stock_items'],
  ordering: ['orders', 'placements'],
  payments: ['payments'],
};
const KERNEL_TABLES = ['migrations', 'seams_deliveries', 'seams_inbox', 'seams_outbox', 'seams_replays'];

describe('each module owns one schema', () => {
  let app: TestApp;
  let db: Client;

  beforeAll(async () => {
    app = await startTestApp();
    db = new Client({ connectionString: app.database.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('creates every table inside its module schema, and none in public', async () => {
    const { rows } = await db.query<{ schema: string; table: string }>(
      `SELECT table_schema AS schema, table_name AS table FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    const tablesOf = (schema: string) => rows.filter((row) => row.schema === schema).map((row) => row.table);
    expect([...new Set(rows.map((row) => row.schema))].sort()).toEqual(MODULES);
    for (const module of MODULES) {
      const tables = tablesOf(module);
      if (SHOP_TABLES[module]) expect({ module, tables }).toEqual({ module, tables: [...SHOP_TABLES[module], ...KERNEL_TABLES].sort() });
      else expect({ module, tables }).toEqual({ module, tables: expect.arrayContaining(KERNEL_TABLES) });
    }
  });

  it('has no foreign key that crosses a schema', async () => {
    const { rows } = await db.query(
      `SELECT c.conname FROM pg_constraint c
         JOIN pg_class src ON src.oid = c.conrelid
         JOIN pg_class dst ON dst.oid = c.confrelid
        WHERE c.contype = 'f' AND src.relnamespace <> dst.relnamespace`,
    );
    expect(rows).toEqual([]);
  });

  it("maps each module's entities to its own schema, and to nothing else", () => {
    const databases = app.app.get(DatabaseRegistry).all();
    expect(databases.map((database) => database.module).sort()).toEqual(MODULES);
    for (const database of databases) {
      const schemas = database.dataSource.entityMetadatas.map((entity) => `${database.module}:${entity.schema}`);
      expect(schemas.length).toBeGreaterThan(0);
      expect(new Set(schemas)).toEqual(new Set([`${database.module}:${database.module}`]));
    }
  });

  it('records the migrations of each module in its own schema', async () => {
    for (const module of MODULES) {
      const { rows } = await db.query(`SELECT name FROM "${module}".migrations`);
      expect(rows.length).toBeGreaterThan(0);
    }
  });
});

describe('a module with a database of its own (SEAMS_<MODULE>_DATABASE_URL)', () => {
  it('keeps that module in its own database while the others share theirs, and the flow still works', async () => {
    const shared = await createTestDatabase();
    const own = await createTestDatabase();
    const app = await createApp({
      database: { url: shared.url, poolSize: 2 },
      env: { ...testAuthEnv(), SEAMS_CATALOG_DATABASE_URL: own.url },
      logger: false,
    });
    await app.init();
    const schemas = async (url: string) => {
      const db = new Client({ connectionString: url });
      await db.connect();
      try {
        const { rows } = await db.query(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`, [MODULES]);
        return rows.map((row) => row.nspname);
      } finally {
        await db.end();
      }
    };
    try {
      expect(await schemas(own.url)).toEqual(['catalog']);
      expect(await schemas(shared.url)).toEqual(MODULES.filter((module) => module !== 'catalog'));
      const http = request.agent(app.getHttpServer()).set('authorization', adminBearer());
      await http.post('/v1/catalog/products').send({ sku: 'OWN-1', name: 'O', priceMinor: 1, currency: 'EUR' }).expect(201);
      await http.put('/v1/inventory/stock/OWN-1').send({ onHand: 1 }).expect(200);
      await http.post('/v1/orders').send({ lines: [{ sku: 'OWN-1', quantity: 1 }] }).expect(201);
    } finally {
      await app.close();
      await shared.drop();
      await own.drop();
    }
  });
});

// @uses-modules catalog, inventory, ordering, payments
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { adminBearer, customerBearer } from '../support/auth';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('an expected 503 in the log', () => {
  let database: TestDatabase;
  let app: AppProcess | undefined;
  beforeAll(async () => (database = await createTestDatabase()));
  afterAll(async () => {
    await app?.stop();
    await database.drop();
  });

  it('is one warning without a stack when a module is unavailable, not an error with a stack trace', async () => {
    const port = await freePort();
    // inventory runs elsewhere, at an address where nothing listens
    app = startAppProcess({ DATABASE_URL: database.url, PORT: String(port), SEAMS_INVENTORY: 'remote', SEAMS_INVENTORY_URL: `tcp://127.0.0.1:${await freePort()}` });
    await app.waitFor(/Ready: API at/);
    const product = await fetch(`http://127.0.0.1:${port}/v1/catalog/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: adminBearer() },
      body: JSON.stringify({ sku: 'DOWN-1', name: 'Tea', priceMinor: 100, currency: 'EUR' }),
    });
    expect(product.status).toBe(201);
    const response = await fetch(`http://127.0.0.1:${port}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: customerBearer('warned-1') },
      body: JSON.stringify({ lines: [{ sku: 'DOWN-1', quantity: 1 }] }),
    });
    expect(response.status).toBe(503);
    const warning = await app.waitForLog({ context: 'Problems', msg: /^POST \/v1\/orders: 503 seam\.unavailable: The inventory module is unavailable/ });
    expect(warning.level).toBe(40);
    expect(JSON.stringify(warning)).not.toMatch(/\n\s+at |"stack"|"err"/);
    expect(app.logs().filter((line) => line.context === 'Problems' && Number(line.level) >= 50)).toEqual([]);
  });
});

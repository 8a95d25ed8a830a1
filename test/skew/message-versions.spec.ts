// @uses-modules catalog, inventory, ordering, payments
import { customerBearer } from '../support/auth';
import { settledLedger } from '../support/order-ledger';
import { freePort } from '../support/processes';
import { buildRelease, previousRelease, type ReleaseBuild } from '../support/releases';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startNode, type VersionedNode } from '../support/versions';

/**
 * A message version replaced by a new one, on real processes: inventory at N serves
 * `inventory.reserve-stock.v1` and `.v2`; the monolith sends the one its setting names
 * (ORDERING_RESERVE_STOCK_VERSION), and inventory's metrics count each version handled, so an
 * operator sees when v1 is no longer sent. Switched too early, against inventory N-1 (v1 only),
 * an order gets a typed error, never a 500, and nothing is held.
 */
const SKU = 'VERSION-1';
const handled = (metrics: string, wire: string) =>
  [...metrics.matchAll(new RegExp(`^seams_seam_call_duration_seconds_count\\{[^}]*message="${wire.replace(/\./g, '\\.')}"[^}]*side="handle"[^}]*\\} (\\d+)`, 'gm'))].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );

describe('inventory.reserve-stock.v1 replaced by .v2', () => {
  let build: ReleaseBuild;
  let database: TestDatabase;
  const nodes: VersionedNode[] = [];
  let env: Record<string, string>;
  const customer = customerBearer('version-buyer');

  beforeAll(async () => {
    build = await buildRelease(previousRelease().commit);
  }, 900_000);

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.process.stop()));
    await database?.drop();
  });

  const cluster = async (inventoryVersion: 'N' | 'N-1') => {
    database = await createTestDatabase();
    const monolithSeam = `tcp://127.0.0.1:${await freePort()}`;
    env = {
      DATABASE_URL: database.url,
      SEAMS_RATE_LIMIT: '0',
      SEAMS_INVENTORY_URL: `tcp://127.0.0.1:${await freePort()}`,
      SEAMS_CATALOG_URL: monolithSeam,
      SEAMS_ORDERING_URL: monolithSeam,
      SEAMS_PAYMENTS_URL: monolithSeam,
    };
    const inventory = await startNode(`inventory ${inventoryVersion}`, inventoryVersion === 'N-1' ? build : undefined, { ...env, SEAMS_HOST_MODULE: 'inventory' });
    nodes.push(inventory);
    return inventory;
  };
  const monolith = async (version: 'v1' | 'v2') => {
    const node = await startNode(`monolith sending ${version}`, undefined, { ...env, SEAMS_INVENTORY: 'remote', ORDERING_RESERVE_STOCK_VERSION: version });
    nodes.push(node);
    return node;
  };

  it('is served in both versions at N: the monolith sends the one its setting names, and inventory’s metrics show which are still sent', async () => {
    const inventory = await cluster('N');
    let sender = await monolith('v1');
    await sender.http().post('/v1/catalog/products').send({ sku: SKU, name: SKU, priceMinor: 5, currency: 'EUR' }).expect(201);
    await inventory.http().put(`/v1/inventory/stock/${SKU}`).send({ onHand: 100 }).expect(200);
    for (let i = 0; i < 3; i++) await sender.http().post('/v1/orders').set('authorization', customer).send({ lines: [{ sku: SKU, quantity: 1 }] }).expect(201);
    let metrics = (await inventory.http().get('/metrics').expect(200)).text;
    expect({ v1: handled(metrics, 'inventory.reserve-stock.v1'), v2: handled(metrics, 'inventory.reserve-stock.v2') }).toEqual({ v1: 3, v2: 0 });

    // The switch: the monolith restarted with the setting flipped.
    await sender.process.stop();
    sender = await monolith('v2');
    for (let i = 0; i < 2; i++) await sender.http().post('/v1/orders').set('authorization', customer).send({ lines: [{ sku: SKU, quantity: 1 }] }).expect(201);
    metrics = (await inventory.http().get('/metrics').expect(200)).text;
    expect({ v1: handled(metrics, 'inventory.reserve-stock.v1'), v2: handled(metrics, 'inventory.reserve-stock.v2') }).toEqual({ v1: 3, v2: 2 });
    const ledger = await settledLedger(database.url, SKU, 60_000);
    expect({ orders: ledger.orders, reserved: ledger.reserved, onHand: ledger.onHand }).toEqual({ orders: { CONFIRMED: 5 }, reserved: 0, onHand: 95 });
  }, 300_000);

  it('switched too early, against inventory N-1, answers a typed error (no 500) and holds nothing', async () => {
    const inventory = await cluster('N-1');
    const sender = await monolith('v2');
    await sender.http().post('/v1/catalog/products').send({ sku: SKU, name: SKU, priceMinor: 5, currency: 'EUR' }).expect(201);
    await inventory.http().put(`/v1/inventory/stock/${SKU}`).send({ onHand: 100 }).expect(200);
    const refused = await sender.http().post('/v1/orders').set('authorization', customer).send({ lines: [{ sku: SKU, quantity: 1 }] });
    expect(refused.status).toBeLessThan(500);
    expect(refused.body).toMatchObject({ code: 'seam.unknown-message', detail: expect.stringContaining('inventory.reserve-stock.v2') });
    const stock = (await inventory.http().get(`/v1/inventory/stock/${SKU}`).expect(200)).body as { reserved: number };
    expect(stock.reserved).toBe(0);
  }, 300_000);
});

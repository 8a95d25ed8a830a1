// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import { customerBearer } from '../support/auth';
import { settledLedger } from '../support/order-ledger';
import { freePort } from '../support/processes';
import { buildRelease, previousRelease, type ReleaseBuild } from '../support/releases';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startNode, type VersionedNode } from '../support/versions';

/**
 * Version skew, run: release N-1 (releases.json, built from its commit) and this code, N, on one
 * database, with a module extracted into a host of one version and the monolith of the other,
 * both ways, for inventory (commands across the seam) and payments (events both ways). Then an
 * upgrade of the monolith from N-1 to N with events still in its outbox: N's relay delivers what
 * N-1 wrote, and a delivery N-1 parked is resubmitted under N and handled once.
 */
const SKU = 'SKEW-1';
let build: ReleaseBuild;
const nodes: VersionedNode[] = [];

beforeAll(async () => {
  build = await buildRelease(previousRelease().commit);
}, 900_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.process.stop()));
});

async function start(name: string, version: 'N' | 'N-1', env: Record<string, string>): Promise<VersionedNode> {
  const node = await startNode(name, version === 'N-1' ? build : undefined, env);
  nodes.push(node);
  return node;
}

/** Every module's seam address: `module`'s host on a port of its own, the rest the monolith's. */
async function addresses(module?: string): Promise<Record<string, string>> {
  const monolith = `tcp://127.0.0.1:${await freePort()}`;
  const host = `tcp://127.0.0.1:${await freePort()}`;
  return Object.fromEntries(['catalog', 'inventory', 'ordering', 'payments'].map((m) => [`SEAMS_${m.toUpperCase()}_URL`, m === module ? host : monolith]));
}

async function placeOrders(monolith: VersionedNode, count: number): Promise<string[]> {
  const customer = customerBearer('skew-buyer');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const placed = await monolith.http().post('/v1/orders').set('authorization', customer).send({ lines: [{ sku: SKU, quantity: 2 }] });
    expect({ status: placed.status, body: placed.status === 201 ? 'ok' : placed.body }).toEqual({ status: 201, body: 'ok' });
    ids.push((placed.body as { id: string }).id);
  }
  return ids;
}

describe.each([
  ['inventory', 'N', 'N-1'],
  ['inventory', 'N-1', 'N'],
  ['payments', 'N', 'N-1'],
  ['payments', 'N-1', 'N'],
] as const)('the order flow with %s in a host: the monolith at %s, the host at %s', (module, monolithVersion, hostVersion) => {
  let database: TestDatabase;

  afterAll(async () => {
    await Promise.all(nodes.splice(0).map((node) => node.process.stop()));
    await database?.drop();
  });

  it('places, pays and settles orders: every order confirmed once, stock exact', async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, SEAMS_RATE_LIMIT: '0', ...(await addresses(module)) };
    // The host first: with a module remote, the monolith migrates only its own schemas.
    const host = await start(`${module} host ${hostVersion}`, hostVersion, { ...env, SEAMS_HOST_MODULE: module });
    const monolith = await start(`monolith ${monolithVersion}`, monolithVersion, { ...env, [`SEAMS_${module.toUpperCase()}`]: 'remote' });
    await monolith.http().post('/v1/catalog/products').send({ sku: SKU, name: SKU, priceMinor: 5, currency: 'EUR' }).expect(201);
    await (module === 'inventory' ? host : monolith).http().put(`/v1/inventory/stock/${SKU}`).send({ onHand: 100 }).expect(200);

    const ids = await placeOrders(monolith, 5);
    const ledger = await settledLedger(database.url, SKU, 60_000);
    expect(ledger.orderIds.sort()).toEqual([...ids].sort());
    expect(ledger.orders).toEqual({ CONFIRMED: 5 });
    expect({ paidTwice: ledger.paidTwice, unpaid: ledger.unpaid, reservations: ledger.reservations }).toEqual({ paidTwice: [], unpaid: [], reservations: { COMMITTED: 5 } });
    expect({ onHand: ledger.onHand, reserved: ledger.reserved }).toEqual({ onHand: 90, reserved: 0 });
  }, 300_000);
});

describe('upgrading the monolith from N-1 to N with events in its outbox', () => {
  let database: TestDatabase;
  let db: Client;

  afterAll(async () => {
    await db?.end();
    await Promise.all(nodes.splice(0).map((node) => node.process.stop()));
    await database?.drop();
  });

  const deliveries = async (orderId: string) =>
    (
      await db.query<{ id: string; status: string }>(
        `SELECT d.id, d.status FROM ordering.seams_deliveries d JOIN ordering.seams_outbox o ON o.id = d.event_id
          WHERE o.name = 'ordering.order-placed.v1' AND d.subscriber = 'payments' AND o.payload->>'orderId' = $1`,
        [orderId],
      )
    ).rows;

  it('delivers under N what N-1 wrote, and handles once a delivery N-1 parked and N resubmits', async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    const env = { DATABASE_URL: database.url, SEAMS_RATE_LIMIT: '0', SEAMS_RELAY_MAX_ATTEMPTS: '2', SEAMS_RELAY_BACKOFF_MS: '50', SEAMS_TIMEOUT_MS: '1500', ...(await addresses()) };

    // N-1, all in one process. Payments' table is locked by another session: its subscriber
    // waits past its deadline, twice, and the delivery of order 1 to payments is parked.
    let monolith = await start('monolith N-1', 'N-1', env);
    await monolith.http().post('/v1/catalog/products').send({ sku: SKU, name: SKU, priceMinor: 5, currency: 'EUR' }).expect(201);
    await monolith.http().put(`/v1/inventory/stock/${SKU}`).send({ onHand: 100 }).expect(200);
    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE payments.payments IN ACCESS EXCLUSIVE MODE');
    const [first] = await placeOrders(monolith, 1);
    await eventually(() => deliveries(first), (rows) => rows[0]?.status === 'PARKED', 60_000);
    await locker.query('ROLLBACK');
    await locker.end();
    await monolith.process.stop();

    // N-1 again, with payments placed elsewhere and unreachable: order 2's event waits in the
    // outbox (an unreachable subscriber is waited for, never parked).
    const away = { ...env, SEAMS_PAYMENTS: 'remote', SEAMS_PAYMENTS_URL: `tcp://127.0.0.1:${await freePort()}` };
    monolith = await start('monolith N-1 (payments away)', 'N-1', away);
    const [second] = await placeOrders(monolith, 1);
    await eventually(() => deliveries(second), (rows) => rows[0]?.status === 'PENDING', 30_000);
    await monolith.process.stop();

    // The upgrade: N, all in one process, on the same database.
    monolith = await start('monolith N', 'N', { ...env, SEAMS_RELAY_MAX_ATTEMPTS: '10' });
    await eventually(() => deliveries(second), (rows) => rows[0]?.status === 'DELIVERED', 60_000);
    expect(await deliveries(first)).toEqual([{ id: expect.any(String), status: 'PARKED' }]);
    const [parked] = await deliveries(first);
    await monolith.http().post(`/v1/admin/events/${parked.id}/retry`).expect((response) => expect(response.status).toBeLessThan(300));
    await eventually(() => deliveries(first), (rows) => rows[0]?.status === 'DELIVERED', 60_000);

    const ledger = await settledLedger(database.url, SKU, 60_000);
    expect(ledger.orders).toEqual({ CONFIRMED: 2 });
    expect({ paidTwice: ledger.paidTwice, unpaid: ledger.unpaid }).toEqual({ paidTwice: [], unpaid: [] });
    expect({ onHand: ledger.onHand, reserved: ledger.reserved }).toEqual({ onHand: 96, reserved: 0 });
    const handled = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments.seams_inbox WHERE event_id IN (SELECT id FROM ordering.seams_outbox WHERE name = 'ordering.order-placed.v1')`);
    expect(handled.rows[0].n).toBe(2);
  }, 300_000);
});

// @uses-modules catalog, inventory, ordering, payments
import request from 'supertest';
import { adminBearer, customerBearer, testAuthEnv } from '../support/auth';
import { settledLedger } from '../support/order-ledger';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Replicas as pods, all real processes of the build on one database: two inventory hosts (on
 * 127.0.0.11 and 127.0.0.12, one seam port) and two monoliths (127.0.0.21 and 127.0.0.22),
 * each address list naming both. A steady load of orders, spread over both monoliths as a load
 * balancer would; then one inventory host and one monolith are SIGKILLed mid-burst.
 */
const SKU = 'REPLICA-1';
const STOCK = 100_000;
const SENDERS = 6;

interface Node {
  readonly name: string;
  readonly http: number;
  process: AppProcess;
  killed: boolean;
}

let database: TestDatabase;
const nodes: Node[] = [];

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.process.stop()));
  await database?.drop();
});

/** `side="handle"` samples of `message` in a process's own metrics. */
async function handled(node: Node, message: string): Promise<number> {
  const text = (await request(`http://127.0.0.1:${node.http}`).get('/metrics').timeout(10_000)).text;
  let total = 0;
  for (const match of text.matchAll(new RegExp(`^seams_seam_call_duration_seconds_count\\{[^}]*message="${message.replace(/\./g, '\\.')}"[^}]*side="handle"[^}]*\\} (\\d+)`, 'gm'))) total += Number(match[1]);
  return total;
}

it('spreads orders over both replicas, and survives losing an inventory host and a monolith mid-burst: few 503s, every 201 settles, stock exact, each event once', async () => {
  database = await createTestDatabase();
  const [seam, monolithSeam] = [await freePort(), await freePort()];
  const inventoryUrl = `tcp://127.0.0.11:${seam},tcp://127.0.0.12:${seam}`;
  const monolithUrl = `tcp://127.0.0.21:${monolithSeam},tcp://127.0.0.22:${monolithSeam}`;
  const env: Record<string, string> = {
    ...testAuthEnv(),
    DATABASE_URL: database.url,
    SEAMS_RATE_LIMIT: '0',
    SEAMS_INVENTORY_URL: inventoryUrl,
    SEAMS_CATALOG_URL: monolithUrl,
    SEAMS_ORDERING_URL: monolithUrl,
    SEAMS_PAYMENTS_URL: monolithUrl,
    // A killed monolith's claims and placements come free within seconds.
    SEAMS_RELAY_LEASE_MS: '9000',
    SEAMS_RELAY_POLL_MS: '200',
    SEAMS_RELAY_MAX_BACKOFF_MS: '1000',
    SEAMS_RELAY_MAX_ATTEMPTS: '1000',
    ORDERING_PLACEMENT_STALE_MS: '3000',
    ORDERING_PLACEMENT_RECOVERY_MS: '500',
    SEAMS_TIMEOUT_MS: '2000',
  };
  const start = async (name: string, ip: string, own: Record<string, string>) => {
    const http = await freePort();
    const process = startAppProcess({ ...env, ...own, PORT: String(http) });
    const node: Node = { name, http, process, killed: false };
    nodes.push(node);
    await process.waitFor(/API at http/, 60_000);
    return node;
  };
  const inventory = await Promise.all(
    ['127.0.0.11', '127.0.0.12'].map((ip) => start(`inventory ${ip}`, ip, { SEAMS_HOST_MODULE: 'inventory', SEAMS_INVENTORY_LISTEN: `tcp://${ip}:${seam}` })),
  );
  const listen = (ip: string) => Object.fromEntries(['CATALOG', 'ORDERING', 'PAYMENTS'].map((m) => [`SEAMS_${m}_LISTEN`, `tcp://${ip}:${monolithSeam}`]));
  // One after the other: the first migrates the schemas.
  const monoliths = [await start('monolith 21', '127.0.0.21', { SEAMS_INVENTORY: 'remote', ...listen('127.0.0.21') })];
  monoliths.push(await start('monolith 22', '127.0.0.22', { SEAMS_INVENTORY: 'remote', ...listen('127.0.0.22') }));

  const admin = adminBearer();
  const via = (node: Node) => request(`http://127.0.0.1:${node.http}`);
  await via(monoliths[0]).post('/v1/catalog/products').set('authorization', admin).send({ sku: SKU, name: SKU, priceMinor: 5, currency: 'EUR' }).expect(201);
  await via(inventory[0]).put(`/v1/inventory/stock/${SKU}`).set('authorization', admin).send({ onHand: STOCK }).expect(200);

  // The load: each order to the next monolith still up, as a load balancer would send it.
  const answers: { status: number | 'no answer'; id?: string; code?: string; to: string }[] = [];
  let next = 0;
  let running = true;
  const customer = customerBearer('replica-buyer');
  const sender = async () => {
    while (running) {
      const live = monoliths.filter((node) => !node.killed);
      const node = live[next++ % live.length];
      try {
        const response = await via(node).post('/v1/orders').set('authorization', customer).send({ lines: [{ sku: SKU, quantity: 1 }] }).timeout(15_000);
        const body = response.body as { id?: string; code?: string };
        answers.push({ status: response.status, id: body.id, code: body.code, to: node.name });
      } catch {
        answers.push({ status: 'no answer', to: node.name }); // a monolith killed under the request
      }
    }
  };
  const loops = Array.from({ length: SENDERS }, sender);
  try {
    await eventually(async () => answers.filter((a) => a.status === 201).length, (n) => n >= 60, 60_000);
    const shares = await Promise.all(inventory.map((node) => handled(node, 'inventory.reserve-stock.v1')));
    // Each replica has its share (calls spread to the one with fewest in flight, ties in turn).
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(0.3 * (shares[0] + shares[1]));

    inventory[1].killed = true;
    monoliths[1].killed = true;
    await Promise.all([inventory[1].process.stop('SIGKILL'), monoliths[1].process.stop('SIGKILL')]);
    const before = answers.length;
    await eventually(async () => answers.slice(before).filter((a) => a.status === 201).length, (n) => n >= 60, 60_000);
  } finally {
    running = false;
    await Promise.all(loops);
  }

  const statuses = answers.reduce<Record<string, number>>((all, a) => ({ ...all, [String(a.status)]: (all[String(a.status)] ?? 0) + 1 }), {});
  process.stdout.write(`replicas under load: ${JSON.stringify(statuses)}\n`);
  expect(answers.filter((a) => a.status !== 201 && a.status !== 503 && a.status !== 'no answer')).toEqual([]);
  expect(answers.filter((a) => a.status === 503).length).toBeLessThanOrEqual(5);
  // Only requests the killed monolith held when it died went unanswered.
  expect(answers.filter((a) => a.status === 'no answer').length).toBeLessThanOrEqual(SENDERS);
  expect(answers.filter((a) => a.status === 'no answer' && a.to !== monoliths[1].name)).toEqual([]);

  const ledger = await settledLedger(database.url, SKU, 90_000);
  const accepted = answers.filter((a) => a.status === 201).map((a) => a.id!);
  expect(accepted.filter((id) => !ledger.orderIds.includes(id))).toEqual([]);
  expect(ledger.orders.PENDING ?? 0).toBe(0);
  expect({ paidTwice: ledger.paidTwice, unpaid: ledger.unpaid, held: ledger.reservations.HELD ?? 0 }).toEqual({ paidTwice: [], unpaid: [], held: 0 });
  expect({ onHand: ledger.onHand, reserved: ledger.reserved }).toEqual({ onHand: STOCK - ledger.confirmedUnits, reserved: 0 });
  expect(ledger.reservations.COMMITTED ?? 0).toBe(ledger.orders.CONFIRMED ?? 0);
  // Both relays together delivered every event, each once: nothing left, and no subscriber effect twice.
  const { Client } = await import('pg');
  const db = new Client({ connectionString: database.url });
  await db.connect();
  try {
    const pending = await eventually(
      async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT status FROM ordering.seams_deliveries UNION ALL SELECT status FROM payments.seams_deliveries UNION ALL SELECT status FROM inventory.seams_deliveries) d WHERE status <> 'DELIVERED'`)).rows[0].n,
      (n) => n === 0,
      60_000,
    );
    expect(pending).toBe(0);
    const twice = await db.query(`SELECT order_id FROM inventory.reservations GROUP BY order_id HAVING count(*) > 1`);
    expect(twice.rows).toEqual([]);
  } finally {
    await db.end();
  }
}, 300_000);

// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import request from 'supertest';
import { adminBearer, customerBearer } from '../support/auth';
import { settledLedger } from '../support/order-ledger';
import { freePort } from '../support/processes';
import { buildRelease, previousRelease, type ReleaseBuild } from '../support/releases';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startNode, type VersionedNode } from '../support/versions';

/**
 * A rolling upgrade under load, as a cluster does it: two inventory hosts at N-1 (127.0.0.11
 * and .12, one seam port) and two monoliths at N-1 (127.0.0.21 and .22) serve a steady stream
 * of orders; each inventory host in turn, then each monolith, is drained (a monolith is taken
 * out of the load balancer first), stopped with SIGTERM, and replaced by N on the same address;
 * the next goes once the new one is ready and, for an inventory host, every caller has it back
 * in rotation (its replica gauge), as minReadySeconds does in a cluster. Every 201 settles, stock is exact, nothing is handled twice,
 * callers see at most a few 503s and no 500; how many and how long each replacement took are
 * printed.
 */
const SKU = 'ROLL-1';
const STOCK = 100_000;
const SENDERS = 4;

interface Slot {
  readonly name: string;
  readonly ip: string;
  readonly own: Record<string, string>;
  node: VersionedNode;
  /** Out of the load balancer (a monolith being replaced). */
  draining: boolean;
}

let database: TestDatabase;
const slots: Slot[] = [];

afterAll(async () => {
  await Promise.all(slots.map((slot) => slot.node.process.stop()));
  await database?.drop();
});

it('replaces two inventory hosts and two monoliths from N-1 to N one at a time under load: every 201 settles, stock exact, each event once, few 503s, no 500', async () => {
  const build: ReleaseBuild = await buildRelease(previousRelease().commit);
  database = await createTestDatabase();
  const [seam, monolithSeam] = [await freePort(), await freePort()];
  const monolithUrl = `tcp://127.0.0.21:${monolithSeam},tcp://127.0.0.22:${monolithSeam}`;
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    SEAMS_RATE_LIMIT: '0',
    SEAMS_INVENTORY_URL: `tcp://127.0.0.11:${seam},tcp://127.0.0.12:${seam}`,
    SEAMS_CATALOG_URL: monolithUrl,
    SEAMS_ORDERING_URL: monolithUrl,
    SEAMS_PAYMENTS_URL: monolithUrl,
    SEAMS_RELAY_POLL_MS: '200',
    SEAMS_RELAY_MAX_BACKOFF_MS: '1000',
    SEAMS_RELAY_MAX_ATTEMPTS: '1000',
    SEAMS_TIMEOUT_MS: '3000',
  };
  const listen = (ip: string) => Object.fromEntries(['CATALOG', 'ORDERING', 'PAYMENTS'].map((m) => [`SEAMS_${m}_LISTEN`, `tcp://${ip}:${monolithSeam}`]));
  const place = async (name: string, ip: string, own: Record<string, string>, version: ReleaseBuild | undefined) => {
    const slot = slots.find((candidate) => candidate.name === name);
    const node = await startNode(`${name} ${version ? 'N-1' : 'N'}`, version, { ...env, ...own }, slot?.node.port);
    if (slot) slot.node = node;
    else slots.push({ name, ip, own, node, draining: false });
  };
  await Promise.all(['127.0.0.11', '127.0.0.12'].map((ip) => place(`inventory ${ip}`, ip, { SEAMS_HOST_MODULE: 'inventory', SEAMS_INVENTORY_LISTEN: `tcp://${ip}:${seam}` }, build)));
  // One after the other: the first migrates the schemas.
  for (const ip of ['127.0.0.21', '127.0.0.22']) await place(`monolith ${ip}`, ip, { SEAMS_INVENTORY: 'remote', ...listen(ip) }, build);
  const monoliths = slots.filter((slot) => slot.name.startsWith('monolith'));
  const inventory = slots.filter((slot) => slot.name.startsWith('inventory'));

  const admin = adminBearer();
  const via = (slot: Slot) => request(`http://127.0.0.1:${slot.node.port}`);
  await via(monoliths[0]).post('/v1/catalog/products').set('authorization', admin).send({ sku: SKU, name: SKU, priceMinor: 5, currency: 'EUR' }).expect(201);
  await via(inventory[0]).put(`/v1/inventory/stock/${SKU}`).set('authorization', admin).send({ onHand: STOCK }).expect(200);

  // The load, each order to the next monolith in the load balancer.
  const answers: { status: number | 'no answer'; id?: string; code?: string; detail?: string; to: string; during: string }[] = [];
  let during = 'start';
  let next = 0;
  let running = true;
  const customer = customerBearer('rolling-buyer');
  const sender = async () => {
    while (running) {
      const live = monoliths.filter((slot) => !slot.draining);
      const slot = live[next++ % live.length];
      try {
        const response = await via(slot).post('/v1/orders').set('authorization', customer).send({ lines: [{ sku: SKU, quantity: 1 }] }).timeout(15_000);
        const body = response.body as { id?: string; code?: string; detail?: string };
        answers.push({ status: response.status, id: body.id, code: body.code, detail: body.detail, to: slot.name, during });
      } catch {
        answers.push({ status: 'no answer', to: slot.name, during });
      }
    }
  };
  const created = () => answers.filter((answer) => answer.status === 201).length;
  const loops = Array.from({ length: SENDERS }, sender);
  const replacements: { name: string; ms: number; answersDuring: number }[] = [];
  try {
    await eventually(async () => created(), (n) => n >= 30, 60_000);
    for (const slot of [...inventory, ...monoliths]) {
      const started = Date.now();
      const before = answers.length;
      during = slot.name;
      if (slot.name.startsWith('monolith')) slot.draining = true;
      await slot.node.process.stop('SIGTERM', 30_000);
      await place(slot.name, slot.ip, slot.own, undefined);
      // A replaced inventory host is back in rotation once every caller reports it up (their
      // re-probe backs off up to 10 s): only then may the next go. The cluster's counterpart is
      // minReadySeconds (deploy:k8s sets it above that period).
      if (slot.name.startsWith('inventory')) {
        const up = `seams_seam_replica_up{module="inventory",replica="${slot.ip}:${seam}"} 1`;
        for (const caller of monoliths) await eventually(async () => (await via(caller).get('/metrics')).text, (text) => text.includes(up), 60_000);
      }
      slot.draining = false;
      during = `after ${slot.name}`;
      replacements.push({ name: slot.name, ms: Date.now() - started, answersDuring: answers.length - before });
      // Traffic on the new one before the next goes.
      const at = created();
      await eventually(async () => created(), (n) => n >= at + 15, 60_000);
    }
  } finally {
    running = false;
    await Promise.all(loops);
  }

  const statuses = answers.reduce<Record<string, number>>((all, a) => ({ ...all, [String(a.status)]: (all[String(a.status)] ?? 0) + 1 }), {});
  process.stdout.write(`rolling upgrade N-1 -> N under load: ${JSON.stringify(statuses)}; replacements ${JSON.stringify(replacements)}\n`);
  const refused = answers.filter((a) => a.status !== 201).reduce<Record<string, number>>((all, a) => ({ ...all, [`${a.during}: ${a.status} ${a.code} ${a.detail?.slice(0, 80)}`]: (all[`${a.during}: ${a.status} ${a.code} ${a.detail?.slice(0, 80)}`] ?? 0) + 1 }), {});
  process.stdout.write(`refused: ${JSON.stringify(refused, null, 1)}\n`);
  expect(slots.map((slot) => slot.node.version)).toEqual(['N', 'N', 'N', 'N']);
  expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
  expect(answers.filter((a) => a.status === 503).length).toBeLessThanOrEqual(5);

  const ledger = await settledLedger(database.url, SKU, 90_000);
  const accepted = answers.filter((a) => a.status === 201).map((a) => a.id!);
  expect(accepted.filter((id) => !ledger.orderIds.includes(id))).toEqual([]);
  expect(ledger.orders.PENDING ?? 0).toBe(0);
  expect({ paidTwice: ledger.paidTwice, unpaid: ledger.unpaid, held: ledger.reservations.HELD ?? 0 }).toEqual({ paidTwice: [], unpaid: [], held: 0 });
  expect({ onHand: ledger.onHand, reserved: ledger.reserved }).toEqual({ onHand: STOCK - ledger.confirmedUnits, reserved: 0 });
  expect(ledger.reservations.COMMITTED ?? 0).toBe(ledger.orders.CONFIRMED ?? 0);
  const db = new Client({ connectionString: database.url });
  await db.connect();
  try {
    const pending = await eventually(
      async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT status FROM ordering.seams_deliveries UNION ALL SELECT status FROM payments.seams_deliveries UNION ALL SELECT status FROM inventory.seams_deliveries) d WHERE status <> 'DELIVERED'`)).rows[0].n,
      (n) => n === 0,
      60_000,
    );
    expect(pending).toBe(0);
    expect((await db.query(`SELECT order_id FROM inventory.reservations GROUP BY order_id HAVING count(*) > 1`)).rows).toEqual([]);
  } finally {
    await db.end();
  }
}, 600_000);

// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer } from '../support/auth';

const LIMIT = 100_000; // the default decline limit
const CHEAP = { sku: 'CRASH-CHEAP', priceMinor: 100 };
const PRICEY = { sku: 'CRASH-PRICEY', priceMinor: 60_000 }; // two of them are declined
const INITIAL = 10_000;

describe('a process killed in the middle of a burst of orders', () => {
  let database: TestDatabase;
  let db: Client;
  let app: AppProcess | undefined;
  const env: Record<string, string> = {};

  const start = async () => {
    app = startAppProcess(env);
    await app.waitFor(/API at/);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    Object.assign(env, {
      DATABASE_URL: database.url,
      PORT: String(await freePort()),
      // recover quickly after the kill: claims and placements of the dead process expire fast
      SEAMS_RELAY_LEASE_MS: '7000',
      SEAMS_TIMEOUT_MS: '1500',
      SEAMS_RELAY_POLL_MS: '200',
      ORDERING_PLACEMENT_STALE_MS: '2000',
      ORDERING_PLACEMENT_RECOVERY_MS: '500',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await db?.end();
    await database?.drop();
  });

  it('loses nothing: every 201 order settles, nobody is charged twice, stock adds up', async () => {
    await start();
    const base = `http://127.0.0.1:${env.PORT}`;
    const post = (path: string, body: unknown, method = 'POST') =>
      fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: adminBearer() }, body: JSON.stringify(body) });
    for (const { sku, priceMinor } of [CHEAP, PRICEY]) {
      expect((await post('/v1/catalog/products', { sku, name: sku, priceMinor, currency: 'EUR' })).status).toBe(201);
      expect((await post(`/v1/inventory/stock/${sku}`, { onHand: INITIAL }, 'PUT')).status).toBe(200);
    }

    // 200 orders, 20 at a time; the process is killed once 80 have been answered
    const accepted: { id: string; totalMinor: number }[] = [];
    let answered = 0;
    let next = 0;
    const killed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (answered >= 80) {
          clearInterval(check);
          void app!.stop('SIGKILL').then(() => resolve());
        }
      }, 1);
    });
    const worker = async () => {
      while (next < 200) {
        const i = next++;
        const lines = i % 3 === 0 ? [{ sku: PRICEY.sku, quantity: 2 }] : [{ sku: CHEAP.sku, quantity: 1 + (i % 4) }];
        try {
          const response = await post('/v1/orders', { lines });
          if (response.status === 201) accepted.push((await response.json()) as { id: string; totalMinor: number });
          answered++;
        } catch {
          return; // the process is gone
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    await killed;
    expect(accepted.length).toBeGreaterThanOrEqual(60);
    expect(accepted.length).toBeLessThan(200);

    await start();
    const count = async (sql: string) => Number((await db.query(sql)).rows[0].count);
    // settled: no order pending, no placement open, no stock held
    await eventually(
      async () => ({
        pending: await count(`SELECT count(*) FROM ordering.orders WHERE status = 'PENDING'`),
        placements: await count('SELECT count(*) FROM ordering.placements'),
        reserved: await count('SELECT coalesce(sum(reserved), 0) AS count FROM inventory.stock_items'),
      }),
      (state) => state.pending === 0 && state.placements === 0 && state.reserved === 0,
      60_000,
    );

    // every order that got a 201 is final, and final the way its total says
    const { rows: orders } = await db.query<{ id: string; status: string; total_minor: string; lines: { sku: string; quantity: number }[] }>(
      'SELECT id, status, total_minor, lines FROM ordering.orders',
    );
    const byId = new Map(orders.map((order) => [order.id, order]));
    for (const order of accepted) {
      expect({ id: order.id, status: byId.get(order.id)?.status }).toEqual({
        id: order.id,
        status: order.totalMinor > LIMIT ? 'CANCELLED' : 'CONFIRMED',
      });
    }
    // every stored order (some were stored but their 201 never arrived) was charged exactly once
    const payments = await db.query<{ order_id: string; status: string }>('SELECT order_id, status FROM payments.payments');
    expect(payments.rows).toHaveLength(orders.length);
    expect(new Set(payments.rows.map((payment) => payment.order_id))).toEqual(new Set(orders.map((order) => order.id)));
    expect(payments.rows.filter((payment) => payment.status === 'CAPTURED')).toHaveLength(
      orders.filter((order) => order.status === 'CONFIRMED').length,
    );

    // on hand = initial − confirmed units, per sku; nothing reserved
    const confirmedUnits = (sku: string) =>
      orders
        .filter((order) => order.status === 'CONFIRMED')
        .flatMap((order) => order.lines)
        .filter((line) => line.sku === sku)
        .reduce((sum, line) => sum + line.quantity, 0);
    const { rows: stock } = await db.query<{ sku: string; on_hand: number; reserved: number }>(
      'SELECT sku, on_hand, reserved FROM inventory.stock_items ORDER BY sku',
    );
    expect(stock).toEqual([
      { sku: CHEAP.sku, on_hand: INITIAL - confirmedUnits(CHEAP.sku), reserved: 0 },
      { sku: PRICEY.sku, on_hand: INITIAL - confirmedUnits(PRICEY.sku), reserved: 0 },
    ]);
    expect(confirmedUnits(PRICEY.sku)).toBe(0); // every pricey order was declined
    expect(confirmedUnits(CHEAP.sku)).toBeGreaterThan(0);
  }, 120_000);
});

// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import type { Cluster } from '../support/cluster';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { startOrderCluster } from '../support/order-ledger';
import { eventually } from '../support/test-app';

/**
 * The shop's placement recovery through a faulty link: a fault proxy of the test's own between
 * the monolith and the inventory host (TCP seam) loses the answer of a reservation that was
 * applied; ordering releases the stock of that order. (The kernel's own guarantees on a faulty
 * link, on its probe modules: test/faults/fault-proxy.spec.ts.)
 */
const TIMEOUT_MS = 1000;
const HALF_OPEN_MS = 1000;
const STOCK = 100_000;
const SKU = 'FP-1';

describe('a faulty link between the monolith and a module host', () => {
  let proxy: FaultProxy;
  let cluster: Cluster;
  let hostPort: number | undefined;
  const order = () => cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: SKU, quantity: 1 }] }).timeout(4 * TIMEOUT_MS);

  beforeAll(async () => {
    proxy = await startFaultProxy(() => hostPort);
    cluster = await startOrderCluster({
      sku: SKU,
      stock: STOCK,
      timeoutMs: TIMEOUT_MS,
      cluster: {
        monolithUrlOf: (_module, url) => {
          hostPort = Number(new URL(url).port);
          return proxy.url('tcp');
        },
      },
      env: {
        ORDERING_PLACEMENT_STALE_MS: '2000',
        ORDERING_PLACEMENT_RECOVERY_MS: '300',
        SEAMS_INVENTORY_BREAKER_THRESHOLD: '3',
        SEAMS_INVENTORY_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
        SEAMS_RELAY_MAX_BACKOFF_MS: '500',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await proxy?.close();
  });

  afterEach(() => proxy.pass());

  it('releases the stock of an order whose reservation was applied but whose answer was lost with the link (placement recovery)', async () => {
    const db = new Client({ connectionString: cluster.database.url });
    await db.connect();
    try {
      const held = async () => (await db.query<{ order_id: string }>(`SELECT order_id FROM inventory.reservations WHERE status = 'HELD'`)).rows.map((row) => row.order_id);
      // (the orders of the earlier tests settle first)
      await eventually(held, (ids) => ids.length === 0, 15_000);
      // The reservation reaches the host whole; its answer never comes back.
      const passed = proxy.stallAfter({ direction: 'up', matching: /inventory\.reserve-stock\.v1/ });
      const answer = order().then((response) => response);
      await passed;
      const [orderId] = await eventually(held, (ids) => ids.length === 1);
      // Then the link goes altogether: the retries and the compensating release fail too.
      proxy.cut();
      const response = await answer;
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 503, code: 'seam.unavailable' });
      expect(await held()).toEqual([orderId]);
      const placements = await db.query(`SELECT 1 FROM ordering.placements WHERE order_id = $1`, [orderId]);
      expect(placements.rowCount).toBe(1);

      proxy.pass();
      // Ordering's placement recovery gives the stock back once the placement is stale.
      const status = await eventually(
        async () => (await db.query<{ status: string }>(`SELECT status FROM inventory.reservations WHERE order_id = $1`, [orderId])).rows[0].status,
        (value) => value === 'RELEASED',
        15_000,
      );
      expect(status).toBe('RELEASED');
      // Inventory commits the release before ordering hears of it and forgets the placement.
      const after = await eventually(
        async () => (await db.query(`SELECT (SELECT COUNT(*) FROM ordering.placements WHERE order_id = $1) AS placements, (SELECT COUNT(*) FROM ordering.orders WHERE id = $1) AS orders`, [orderId])).rows[0],
        (row) => row.placements === '0',
        15_000,
      );
      expect(after).toEqual({ placements: '0', orders: '0' });
      const stock = await db.query<{ reserved: number }>(`SELECT reserved FROM inventory.stock_items WHERE sku = $1`, [SKU]);
      expect(stock.rows[0].reserved).toBe(0);
    } finally {
      await db.end();
    }
  });
});

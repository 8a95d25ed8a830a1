// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import type { Cluster } from '../support/cluster';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { settledLedger, startOrderCluster, steadyOrders } from '../support/order-ledger';
import { eventually } from '../support/test-app';

/**
 * A fault proxy of the test's own between the monolith and the inventory host (TCP seam):
 * the link is blackholed, slowed down and reset, also in the middle of a frame. Callers get
 * the seam's typed answers (504 at the deadline, 503 while the breaker is open), latency
 * under the deadline only makes calls slower, and a cut frame never applies a command twice
 * nor leaves stock held: the tables add up afterwards.
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
  const breakerState = async () => {
    const text = (await cluster.http('ordering').get('/metrics').expect(200)).text;
    return Number(/^seams_circuit_breaker_state\{module="inventory"\} (\d+)$/m.exec(text)?.[1]);
  };

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

  it('answers 504 at the deadline while the link is blackholed, then opens the breaker (503 at once), and recovers once bytes flow', async () => {
    await order().expect(201);
    expect(await breakerState()).toBe(0);
    proxy.blackhole();
    // Each failed order makes up to two calls (the reserve, then the release that undoes it),
    // so the breaker opens within three orders: until then each waits for its deadline.
    const answers: { status: number; code: string; ms: number }[] = [];
    while (answers.length < 4 && answers.at(-1)?.status !== 503) {
      const started = Date.now();
      const response = await order();
      answers.push({ status: response.status, code: response.body.code, ms: Date.now() - started });
    }
    const timedOut = answers.slice(0, -1);
    expect(timedOut.length).toBeGreaterThanOrEqual(1);
    expect(timedOut.map(({ status, code }) => ({ status, code }))).toEqual(timedOut.map(() => ({ status: 504, code: 'seam.timeout' })));
    for (const { ms } of timedOut) expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50); // waited for the deadline, not for an error
    expect(proxy.stats.dropped.up).toBeGreaterThan(0);
    expect(await breakerState()).toBe(1);
    const refused = await order();
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe(String(HALF_OPEN_MS / 1000));
    expect(refused.body).toMatchObject({ code: 'seam.unavailable', module: 'inventory' });
    expect(refused.body.detail).toMatch(/circuit breaker is open/);

    proxy.pass();
    const recovered = await eventually(async () => (await order()).status, (status) => status === 201, 15_000);
    expect(recovered).toBe(201);
    expect(await breakerState()).toBe(0);
  });

  it('replaces a connection that went silent (no reset, no close): the next calls get through on a new one', async () => {
    await order().expect(201);
    const accepted = proxy.stats.accepted;
    // The connection that carries the next reservation swallows every byte after it, as a flow
    // dropped by a firewall or a NAT would; a new connection would get through.
    const stalled = proxy.stallAfter({ direction: 'up', matching: /inventory\.reserve-stock\.v1/ });
    const first = await order();
    await stalled;
    expect({ status: first.status, code: first.body.code }).toEqual({ status: 504, code: 'seam.timeout' });
    const recovered = await eventually(async () => (await order()).status, (status) => status === 201, 15_000);
    expect(recovered).toBe(201);
    expect(proxy.stats.accepted).toBeGreaterThan(accepted);
  });

  it('honours latency below the deadline end to end (slower, still 201) and answers 504 when it is above', async () => {
    const latency = TIMEOUT_MS / 5;
    proxy.delay(latency);
    const started = Date.now();
    const slow = await order();
    expect(slow.status).toBe(201);
    // at least one round trip through the proxy, each way delayed (a floor, not a speed claim)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * latency);
    await eventually(async () => (await cluster.http('ordering').get(`/v1/orders/${slow.body.id}`).expect(200)).body.status, (status) => status === 'CONFIRMED', 15_000);

    proxy.delay(TIMEOUT_MS + 200);
    const late = await order();
    expect({ status: late.status, code: late.body.code }).toEqual({ status: 504, code: 'seam.timeout' });
    proxy.pass();
    expect(await eventually(async () => (await order()).status, (status) => status === 201, 15_000)).toBe(201);
  });

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

  it('never applies a command twice nor leaves stock held when connections are reset, also in the middle of a frame', async () => {
    type Phase = 'steady' | 'resets' | 'after';
    let phase: Phase = 'steady';
    const load = steadyOrders(() => cluster.http('ordering'), SKU, { senders: 3, limitMs: 4 * TIMEOUT_MS, phase: () => phase });
    try {
      await load.seen(10, (a) => a.status === 201);
      phase = 'resets';
      // Requests cut after a few bytes of their frame, replies cut after a few bytes of theirs
      // (the command ran, its answer is lost), and whole connections reset at once.
      for (let round = 0; round < 4; round++) {
        const accepted = load.answers.filter((a) => a.status === 201).length;
        expect(await proxy.resetMidFrame({ direction: 'up', afterBytes: 7 })).toBe(7);
        expect(await proxy.resetMidFrame({ direction: 'down', afterBytes: 7 })).toBe(7);
        proxy.cut();
        proxy.pass();
        // traffic flows again before the next round: a new order got through
        await load.seen(accepted + 1, (a) => a.status === 201);
      }
      phase = 'after';
      await load.seen(10, (a) => a.startedIn === 'after' && a.status === 201);
    } finally {
      await load.stop();
    }

    // Every answer is a 201, or the seam's typed answer (503 unreachable, 504 deadline); never a 500 or a hang.
    const unexpected = load.answers.filter((a) => a.status !== 201 && !(a.endedIn !== 'steady' && (a.status === 503 || a.status === 504)));
    expect(unexpected).toEqual([]);
    // Once an order got through after the last reset (the breaker may have opened on the
    // resets and needs its half-open trial), every later one does.
    const back = load.answers.find((a) => a.startedIn === 'after' && a.status === 201)!;
    expect(load.answers.filter((a) => a.at > back.at + back.ms && a.status !== 201)).toEqual([]);

    const accepted = new Set(load.answers.filter((a) => a.status === 201).map((a) => a.id!));
    const ledger = await settledLedger(cluster.database.url, SKU);
    // Earlier tests' orders are in the same tables: all of them settle too, and the stock is exact for all.
    const ours = ledger.orderIds.filter((id) => accepted.has(id));
    expect(ours).toHaveLength(accepted.size);
    expect(ledger.orders.PENDING ?? 0).toBe(0);
    expect({ paidTwice: ledger.paidTwice, unpaid: ledger.unpaid, held: ledger.reservations.HELD ?? 0 }).toEqual({ paidTwice: [], unpaid: [], held: 0 });
    expect({ onHand: ledger.onHand, reserved: ledger.reserved }).toEqual({ onHand: STOCK - ledger.confirmedUnits, reserved: 0 });
    expect(ledger.reservations.COMMITTED ?? 0).toBe(ledger.orders.CONFIRMED ?? 0);
  }, 120_000);
});

// @uses-modules catalog, inventory, ordering, payments
import { Client } from 'pg';
import type TestAgent from 'supertest/lib/agent';
import { type Cluster, type ClusterOptions, startCluster } from './cluster';
import { eventually } from './test-app';
import { expectFastRefusalsAround as expectGenericRefusals, holdRow, type LoadAnswer, steadyLoad } from './steady-load';

/**
 * The cluster a fault test breaks: inventory in a module host (`cluster`'s transport and
 * addresses), one product `sku` with `stock` units, and settings that let it recover quickly
 * (placements stale after 3 s and looked for every 500 ms, the breaker half-open after 1 s, a
 * patient relay, no rate limit), with `env` over them.
 */
export async function startOrderCluster(options: {
  sku: string;
  stock: number;
  timeoutMs: number;
  cluster: Omit<ClusterOptions, 'remote' | 'monolithEnv'>;
  env?: Record<string, string>;
}): Promise<Cluster> {
  const cluster = await startCluster({
    ...options.cluster,
    remote: ['inventory'],
    monolithEnv: {
      // Ordering's own settings (placement recovery runs in the monolith), read by its host.
      ORDERING_PLACEMENT_STALE_MS: '3000',
      ORDERING_PLACEMENT_RECOVERY_MS: '500',
      SEAMS_TIMEOUT_MS: String(options.timeoutMs),
      SEAMS_INVENTORY_BREAKER_HALF_OPEN_MS: '1000',
      SEAMS_RATE_LIMIT: '0',
      SEAMS_RELAY_POLL_MS: '200',
      SEAMS_RELAY_MAX_BACKOFF_MS: '1000',
      SEAMS_RELAY_MAX_ATTEMPTS: '1000',
      ...options.env,
    },
  });
  await cluster.http('catalog').post('/v1/catalog/products').send({ sku: options.sku, name: options.sku, priceMinor: 5, currency: 'EUR' }).expect(201);
  await cluster.http('inventory').put(`/v1/inventory/stock/${options.sku}`).send({ onHand: options.stock }).expect(200);
  return cluster;
}

/** One answer to `POST /v1/orders` (its body's `id` is the order's). */
export type OrderAnswer<Phase extends string> = LoadAnswer<Phase>;

/**
 * A steady, bounded load of one-unit orders of `sku` from `senders` callers in a loop, each
 * request limited to `limitMs` (see steady-load.ts).
 */
export function steadyOrders<Phase extends string>(agent: () => TestAgent, sku: string, options: { senders: number; limitMs: number; phase: () => Phase }) {
  return steadyLoad(() => agent().post('/v1/orders').send({ lines: [{ sku, quantity: 1 }] }), options);
}

/** What the database says about the orders of one sku, once everything has settled. */
export interface Ledger {
  /** Orders stored, by status. */
  readonly orders: Record<string, number>;
  /** Ids of the orders stored. */
  readonly orderIds: string[];
  /** Reservations by status. */
  readonly reservations: Record<string, number>;
  /** Orders with more than one payment (should be none). */
  readonly paidTwice: string[];
  /** Stored orders without a payment (should be none). */
  readonly unpaid: string[];
  /** Placements still open (should be none once recovery has run). */
  readonly openPlacements: number;
  readonly onHand: number;
  readonly reserved: number;
  /** Units of CONFIRMED orders. */
  readonly confirmedUnits: number;
}

async function read(databaseUrl: string, sku: string): Promise<Ledger> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const orders = await db.query<{ id: string; status: string; units: string }>(
      `SELECT id, status, (SELECT COALESCE(SUM((line->>'quantity')::int), 0) FROM jsonb_array_elements(lines) line WHERE line->>'sku' = $1) AS units FROM ordering.orders`,
      [sku],
    );
    const reservations = await db.query<{ status: string; n: string }>(`SELECT status, COUNT(*) AS n FROM inventory.reservations GROUP BY status`);
    const payments = await db.query<{ order_id: string; n: string }>(`SELECT order_id, COUNT(*) AS n FROM payments.payments GROUP BY order_id`);
    const placements = await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ordering.placements`);
    const stock = await db.query<{ on_hand: number; reserved: number }>(`SELECT on_hand, reserved FROM inventory.stock_items WHERE sku = $1`, [sku]);
    const paid = new Map(payments.rows.map((row) => [row.order_id, Number(row.n)]));
    const byStatus: Record<string, number> = {};
    for (const row of orders.rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    return {
      orders: byStatus,
      orderIds: orders.rows.map((row) => row.id),
      reservations: Object.fromEntries(reservations.rows.map((row) => [row.status, Number(row.n)])),
      paidTwice: [...paid].filter(([, n]) => n > 1).map(([id]) => id),
      unpaid: orders.rows.filter((row) => !paid.has(row.id)).map((row) => row.id),
      openPlacements: Number(placements.rows[0].n),
      onHand: stock.rows[0].on_hand,
      reserved: stock.rows[0].reserved,
      confirmedUnits: orders.rows.filter((row) => row.status === 'CONFIRMED').reduce((sum, row) => sum + Number(row.units), 0),
    };
  } finally {
    await db.end();
  }
}

/**
 * Waits until nothing is in flight any more (no PENDING order, no HELD reservation, no open
 * placement) and returns the ledger, read straight from the tables.
 */
export function settledLedger(databaseUrl: string, sku: string, timeoutMs = 45_000): Promise<Ledger> {
  return eventually(
    () => read(databaseUrl, sku),
    (ledger) => !ledger.orders.PENDING && !ledger.reservations.HELD && ledger.openPlacements === 0 && ledger.reserved === 0,
    timeoutMs,
  );
}

/**
 * Holds the stock row of `sku` locked from a transaction of the test's own, so reservations
 * of it wait at the inventory host: calls to inventory are in flight for as long as the test
 * wants. `waiters()` resolves once at least `count` sessions wait for the lock.
 */
export function holdStockRow(databaseUrl: string, sku: string): ReturnType<typeof holdRow> {
  return holdRow(databaseUrl, 'SELECT 1 FROM inventory.stock_items WHERE sku = $1 FOR UPDATE', [sku]);
}

/** Around a broker outage (see steady-load.ts), for orders: the answer that succeeds is a 201. */
export function expectFastRefusalsAround<Phase extends string>(answers: readonly OrderAnswer<Phase>[], brokeAt: number, down: Phase, timeoutMs: number): void {
  expectGenericRefusals(answers, brokeAt, down, timeoutMs, 201);
}

/**
 * Nothing lost, nothing twice: the orders in the tables are exactly those answered 201, each
 * paid once, no reservation held, and the stock adds up (`stock` units to start with).
 */
export async function expectExactLedger(databaseUrl: string, sku: string, stock: number, answers: readonly OrderAnswer<string>[]): Promise<void> {
  const accepted = new Set(answers.filter((a) => a.status === 201).map((a) => a.id!));
  const ledger = await settledLedger(databaseUrl, sku);
  expect(new Set(ledger.orderIds)).toEqual(accepted);
  expect({ paidTwice: ledger.paidTwice, unpaid: ledger.unpaid, held: ledger.reservations.HELD ?? 0 }).toEqual({ paidTwice: [], unpaid: [], held: 0 });
  expect({ onHand: ledger.onHand, reserved: ledger.reserved }).toEqual({ onHand: stock - ledger.confirmedUnits, reserved: 0 });
  expect(ledger.reservations.COMMITTED ?? 0).toBe(ledger.orders.CONFIRMED ?? 0);
}

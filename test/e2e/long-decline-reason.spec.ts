import { Client } from 'pg';
import { type Cluster, startCluster } from '../support/cluster';
import { shop } from '../support/shop';
import { eventually } from '../support/test-app';

/** A decline reason of exactly 200 characters, the most `payments.payment-declined.v1` allows. */
const REASON = 'the issuer refused the charge: '.padEnd(200, 'card reported lost; ');

/**
 * Issue 13: ordering stores a declined payment's reason behind a prefix. When the contract's
 * longest reason did not fit the column, the update failed, was retried and parked, and the
 * order stayed PENDING with its stock held.
 */
describe.each([
  ['all modules in one process', []],
  ['payments in its own process', ['payments']],
])('a payment declined with the longest reason the contract allows, %s', (_, remote: string[]) => {
  let cluster: Cluster;
  let s: ReturnType<typeof shop>;

  beforeAll(async () => {
    // Payments' own setting, read by the host of wherever payments runs (the monolith in this
    // process, or the payments host) from the settings it is given, never from process.env.
    cluster = await startCluster({ remote, env: { PAYMENTS_DECLINE_REASON: REASON } });
    s = shop((module) => cluster.http(module));
    await s.product('HARP-1', 300_000);
    await s.stock('HARP-1', 3);
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('cancels the order with the whole reason stored and releases its stock', async () => {
    expect(REASON).toHaveLength(200);
    const { body } = await s.order([{ sku: 'HARP-1', quantity: 2 }]).expect(201);

    const order = await s.settled(body.id);
    expect(order.status).toBe('CANCELLED');
    expect(order.cancellationReason).toBe(`payment declined: ${REASON}`);
    expect(await s.paymentsOf(body.id)).toEqual([expect.objectContaining({ status: 'DECLINED', declineReason: REASON })]);
    const stock = await eventually(() => s.stockOf('HARP-1'), (item) => item.reserved === 0);
    expect(stock).toEqual({ sku: 'HARP-1', onHand: 3, reserved: 0, available: 3 });

    // ordering.order-cancelled.v1 allows 200 characters: it carries the reason cut to them.
    const db = new Client({ connectionString: cluster.database.url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT payload FROM ordering.seams_outbox WHERE name = 'ordering.order-cancelled.v1' AND aggregate_id = $1`, [body.id]);
      expect(rows).toEqual([{ payload: { orderId: body.id, reason: `payment declined: ${REASON}`.slice(0, 199) + '…' } }]);
    } finally {
      await db.end();
    }
  });
});

// @uses-modules catalog, inventory, ordering, payments
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer } from '../support/auth';
import { eventually } from '../support/test-app';

const SERVER = 2;
const CONSUMER = 5;

/**
 * Traces through the outbox: a monolith (catalog, ordering) with inventory and payments in
 * hosts of their own over TCP, all three exporting over OTLP/HTTP to a real receiver in this
 * test. An order's events are stored with the trace context of the work that published them,
 * and every delivery continues that trace, so the whole saga, in three processes, is one trace.
 */
describe('traces through the outbox', () => {
  let database: TestDatabase;
  let db: Client;
  const receiver = new OtlpReceiver();
  const processes: AppProcess[] = [];
  let base: string;
  const json = { 'content-type': 'application/json', authorization: adminBearer() };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    const endpoint = await receiver.start();
    const [monolithPort, inventoryPort, paymentsPort, inventorySeam, paymentsSeam, orderingSeam] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    const env = {
      DATABASE_URL: database.url,
      SEAMS_INVENTORY_URL: `tcp://127.0.0.1:${inventorySeam}`,
      SEAMS_PAYMENTS_URL: `tcp://127.0.0.1:${paymentsSeam}`,
      SEAMS_ORDERING_URL: `tcp://127.0.0.1:${orderingSeam}`,
      SEAMS_RELAY_POLL_MS: '100',
      SEAMS_RELAY_BACKOFF_MS: '50',
      SEAMS_RELAY_MAX_BACKOFF_MS: '100',
      SEAMS_RELAY_MAX_ATTEMPTS: '2',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    const inventory = startAppProcess({ ...env, PORT: String(inventoryPort), SEAMS_HOST_MODULE: 'inventory' });
    const payments = startAppProcess({ ...env, PORT: String(paymentsPort), SEAMS_HOST_MODULE: 'payments' });
    processes.push(inventory, payments);
    await Promise.all([inventory, payments].map((p) => p.waitForLog({ msg: /API at .*tracing on/ })));
    const monolith = startAppProcess({ ...env, PORT: String(monolithPort), SEAMS_INVENTORY: 'remote', SEAMS_PAYMENTS: 'remote' });
    processes.push(monolith);
    await monolith.waitForLog({ msg: /API at .*tracing on/ });
    base = `http://127.0.0.1:${monolithPort}`;
    for (const sku of ['TRACE-1', 'TRACE-PARK']) {
      const product = await fetch(`${base}/v1/catalog/products`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ sku, name: 'T', priceMinor: 100, currency: 'EUR' }),
      });
      expect(product.status).toBe(201);
      const stock = await fetch(`http://127.0.0.1:${inventoryPort}/v1/inventory/stock/${sku}`, { method: 'PUT', headers: json, body: JSON.stringify({ onHand: 10 }) });
      expect(stock.status).toBe(200);
    }
  }, 90000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await receiver.stop();
    await db?.end();
    await database?.drop();
  });

  /** Places an order under a trace of the caller's (a `traceparent` header), so its trace id is known. */
  async function placeOrder(sku: string): Promise<{ orderId: string; traceId: string }> {
    const traceId = randomBytes(16).toString('hex');
    const response = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { ...json, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify({ lines: [{ sku, quantity: 1 }] }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    return { orderId: id, traceId };
  }

  const reservation = async (orderId: string) =>
    (await db.query<{ status: string }>('SELECT status FROM inventory.reservations WHERE order_id = $1', [orderId])).rows[0]?.status;

  /** The chain of parents of `span` among the received spans, nearest first. */
  function ancestors(span: ReceivedSpan): ReceivedSpan[] {
    const chain: ReceivedSpan[] = [];
    for (let parent = span.parentSpanId; parent; ) {
      const found = receiver.spans.find((s) => s.spanId === parent);
      if (!found) break;
      chain.push(found);
      parent = found.parentSpanId;
    }
    return chain;
  }

  it('makes one trace of POST /v1/orders, reserve stock, payment captured, order confirmed and stock settled, across three processes', async () => {
    const { orderId, traceId } = await placeOrder('TRACE-1');
    await eventually(() => reservation(orderId), (status) => status === 'COMMITTED');
    const inTrace = (service: string, name: string) => receiver.waitFor((s) => s.traceId === traceId && s.service === service && s.name === name);

    const http = await receiver.waitFor((s) => s.traceId === traceId && s.service === 'seams-monolith' && s.kind === SERVER && !s.name.startsWith('seam '));
    const steps = [
      await inTrace('seams-inventory', 'seam handle inventory.reserve-stock.v1'),
      await inTrace('seams-monolith', 'seam deliver ordering.order-placed.v1'),
      await inTrace('seams-payments', 'seam handle ordering.order-placed.v1'),
      await inTrace('seams-payments', 'seam deliver payments.payment-captured.v1'),
      await inTrace('seams-monolith', 'seam handle payments.payment-captured.v1'),
      await inTrace('seams-monolith', 'seam deliver ordering.order-confirmed.v1'),
      await inTrace('seams-inventory', 'seam handle ordering.order-confirmed.v1'),
    ];
    // Each step descends from the HTTP request (child spans, not links), and each delivery from
    // the work that published its event: the payments host's handling of order-placed is an
    // ancestor of the delivery of payment-captured, and so on down the saga.
    for (const step of steps) expect(ancestors(step).map((s) => s.spanId)).toContain(http.spanId);
    expect(ancestors(steps[3]).map((s) => s.spanId)).toContain(steps[2].spanId);
    expect(ancestors(steps[5]).map((s) => s.spanId)).toContain(steps[4].spanId);
    expect(ancestors(steps[6]).map((s) => s.spanId)).toContain(steps[5].spanId);
    const delivered = steps[5];
    expect(delivered).toMatchObject({
      kind: CONSUMER,
      attributes: { 'seams.module': 'inventory', 'seams.message': 'ordering.order-confirmed.v1', 'seams.delivery.attempt': 1 },
    });
  });

  it('keeps the trace of a delivery that is parked and then resubmitted', async () => {
    // Inventory refuses to settle TRACE-PARK orders for now: a real failure in its transaction.
    await db.query(`
      CREATE FUNCTION inventory.refuse_trace_park() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'settling TRACE-PARK is refused by the test'; END $$`);
    await db.query(`
      CREATE TRIGGER refuse_trace_park BEFORE UPDATE ON inventory.reservations FOR EACH ROW
        WHEN (NEW.status = 'COMMITTED' AND NEW.lines::text LIKE '%TRACE-PARK%') EXECUTE FUNCTION inventory.refuse_trace_park()`);
    const { orderId, traceId } = await placeOrder('TRACE-PARK');
    const parked = await eventually(
      async () =>
        (
          await db.query<{ id: string; event_id: string }>(
            `SELECT d.id, d.event_id FROM ordering.seams_deliveries d JOIN ordering.seams_outbox o ON o.id = d.event_id
              WHERE o.aggregate_id = $1 AND o.name = 'ordering.order-confirmed.v1' AND d.status = 'PARKED'`,
            [orderId],
          )
        ).rows[0],
      (row) => row !== undefined,
      20000,
    );
    // The admin list names the trace, so an operator can go from a parked delivery to it.
    const listed = await fetch(`${base}/v1/admin/events?status=failed`, { headers: json });
    expect(((await listed.json()) as { id: string; traceId: string | null }[]).find((d) => d.id === parked.id)).toMatchObject({ traceId });
    await db.query('DROP TRIGGER refuse_trace_park ON inventory.reservations');
    const retried = await fetch(`${base}/v1/admin/events/${parked.id}/retry`, { method: 'POST', headers: json });
    expect(retried.status).toBe(202);
    await eventually(() => reservation(orderId), (status) => status === 'COMMITTED');

    const deliveries = () => receiver.spans.filter((s) => s.name === 'seam deliver ordering.order-confirmed.v1' && s.attributes['seams.event_id'] === parked.event_id);
    // two failed attempts, then the one after the resubmission, which succeeds
    await receiver.waitFor(() => deliveries().length >= 3 && deliveries().some((s) => s.status?.code !== 2));
    for (const span of deliveries()) expect(span.traceId).toBe(traceId);
    expect(deliveries().filter((s) => s.status?.code === 2)).toHaveLength(2);
    const settled = await receiver.waitFor((s) => s.service === 'seams-inventory' && s.name === 'seam handle ordering.order-confirmed.v1' && s.traceId === traceId && s.status?.code !== 2);
    expect(ancestors(settled).map((s) => s.spanId)).toEqual(expect.arrayContaining(deliveries().filter((s) => s.status?.code !== 2).map((s) => s.spanId)));
  });

  it('delivers an event stored with a malformed trace context, or with none, each in a trace of its own', async () => {
    const { orderId, traceId } = await placeOrder('TRACE-1');
    await eventually(() => reservation(orderId), (status) => status === 'COMMITTED');
    const { payload } = (
      await db.query<{ payload: unknown }>(`SELECT payload FROM ordering.seams_outbox WHERE aggregate_id = $1 AND name = 'ordering.order-confirmed.v1'`, [orderId])
    ).rows[0];
    // Stored as an older process (no trace context) or a damaged row (a traceparent that does not parse) left them.
    const cases = [
      { id: randomUUID(), traceparent: 'not-a-traceparent', tracestate: '=,=' },
      { id: randomUUID(), traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`, tracestate: null }, // all-zero ids are invalid
      { id: randomUUID(), traceparent: null, tracestate: null },
    ];
    for (const { id, traceparent, tracestate } of cases) {
      await db.query(
        `WITH o AS (INSERT INTO ordering.seams_outbox (id, name, aggregate_id, payload, correlation_id, traceparent, tracestate)
                    VALUES ($1, 'ordering.order-confirmed.v1', $2, $3, 'replayed', $4, $5) RETURNING id, position, aggregate_id)
         INSERT INTO ordering.seams_deliveries (id, event_id, position, aggregate_id, subscriber)
         SELECT gen_random_uuid(), o.id, o.position, o.aggregate_id, 'inventory' FROM o`,
        [id, orderId, JSON.stringify(payload), traceparent, tracestate],
      );
    }
    await db.query(`SELECT pg_notify('seams_outbox', 'ordering')`);
    for (const { id } of cases) {
      await eventually(
        async () => (await db.query<{ status: string }>('SELECT status FROM ordering.seams_deliveries WHERE event_id = $1', [id])).rows[0]?.status,
        (status) => status === 'DELIVERED',
      );
      const delivered = await receiver.waitFor((s) => s.name === 'seam deliver ordering.order-confirmed.v1' && s.attributes['seams.event_id'] === id);
      expect(delivered.parentSpanId).toBeUndefined(); // a new trace
      expect(delivered.traceId).not.toBe(traceId);
      expect(delivered.status?.code).not.toBe(2);
      const handled = await receiver.waitFor((s) => s.service === 'seams-inventory' && s.name === 'seam handle ordering.order-confirmed.v1' && s.traceId === delivered.traceId);
      expect(ancestors(handled).map((s) => s.spanId)).toContain(delivered.spanId);
    }
    const listed = (await (await fetch(`${base}/v1/admin/events?status=delivered&limit=500`, { headers: json })).json()) as { eventId: string; traceId: string | null }[];
    for (const { id } of cases) expect(listed.find((d) => d.eventId === id)).toMatchObject({ traceId: null });
  });
});

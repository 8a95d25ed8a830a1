// @uses-modules catalog, inventory, ordering, payments
import { randomBytes } from 'node:crypto';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer } from '../support/auth';

const SERVER = 2;
const CLIENT = 3;
const INTERNAL = 1;

/**
 * A monolith and an inventory host, both exporting traces over OTLP/HTTP to a receiver in
 * this test (a real endpoint that keeps the spans in memory): one order is one trace that
 * spans both processes.
 */
describe('traces across the seam', () => {
  let database: TestDatabase;
  const receiver = new OtlpReceiver();
  const processes: AppProcess[] = [];
  let base: string;
  const json = { 'content-type': 'application/json', authorization: adminBearer() };

  beforeAll(async () => {
    database = await createTestDatabase();
    const endpoint = await receiver.start();
    const [monolithPort, hostPort, seamPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      DATABASE_URL: database.url,
      SEAMS_INVENTORY_URL: `tcp://127.0.0.1:${seamPort}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    const host = startAppProcess({ ...env, PORT: String(hostPort), SEAMS_HOST_MODULE: 'inventory' });
    processes.push(host);
    await host.waitForLog({ msg: /API at .*tracing on/ });
    const monolith = startAppProcess({ ...env, PORT: String(monolithPort), SEAMS_INVENTORY: 'remote' });
    processes.push(monolith);
    await monolith.waitForLog({ msg: /API at .*tracing on/ });
    base = `http://127.0.0.1:${monolithPort}`;
    const hostBase = `http://127.0.0.1:${hostPort}`;
    await fetch(`${base}/v1/catalog/products`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ sku: 'TRACE-1', name: 'T', priceMinor: 100, currency: 'EUR' }),
    });
    await fetch(`${hostBase}/v1/inventory/stock/TRACE-1`, { method: 'PUT', headers: json, body: JSON.stringify({ onHand: 10 }) });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await receiver.stop();
    await database?.drop();
  });

  it('makes one order one trace: the HTTP request, the local and remote seam calls, and the database calls of both processes', async () => {
    const response = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { ...json, 'x-request-id': 'trace-order-1' },
      body: JSON.stringify({ lines: [{ sku: 'TRACE-1', quantity: 1 }] }),
    });
    expect(response.status).toBe(201);

    const handled = await receiver.waitFor(
      (span) => span.service === 'seams-inventory' && span.name === 'seam handle inventory.reserve-stock.v1',
    );
    expect(handled).toMatchObject({ kind: SERVER, attributes: { 'seams.module': 'inventory', 'seams.mode': 'remote' } });
    const trace = handled.traceId;
    const inTrace = (predicate: (span: ReceivedSpan) => boolean) => receiver.waitFor((span) => span.traceId === trace && predicate(span));

    // the monolith's HTTP server span is the root of the trace
    const http = await inTrace((span) => span.service === 'seams-monolith' && span.kind === SERVER);
    expect(http.parentSpanId).toBeUndefined();
    expect(http.attributes['http.route'] ?? http.name).toMatch(/POST|\/v1\/orders/);
    // the send span in the monolith is the parent of the handle span in the host
    const sent = await inTrace((span) => span.service === 'seams-monolith' && span.name === 'seam send inventory.reserve-stock.v1');
    expect(sent.kind).toBe(CLIENT);
    expect(handled.parentSpanId).toBe(sent.spanId);
    // ordering asks catalog for the prices in process
    const local = await inTrace((span) => span.service === 'seams-monolith' && span.attributes['seams.mode'] === 'local');
    expect(local).toMatchObject({ kind: INTERNAL, attributes: { 'seams.module': 'catalog' } });
    // database calls on both sides
    const isDb = (span: ReceivedSpan) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql';
    await inTrace((span) => span.service === 'seams-monolith' && isDb(span));
    const hostDb = await inTrace((span) => span.service === 'seams-inventory' && isDb(span));
    expect(hostDb.kind).toBe(CLIENT);
  });

  it('continues the trace through the outbox to subscribers in process (payments, ordering) and in the host (inventory)', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { ...json, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify({ lines: [{ sku: 'TRACE-1', quantity: 1 }] }),
    });
    expect(response.status).toBe(201);
    const inTrace = (predicate: (span: ReceivedSpan) => boolean) => receiver.waitFor((span) => span.traceId === traceId && predicate(span));
    for (const event of ['ordering.order-placed.v1', 'payments.payment-captured.v1']) {
      const delivered = await inTrace((span) => span.service === 'seams-monolith' && span.name === `seam deliver ${event}`);
      // the subscriber runs in process: a local seam span below the delivery, its database calls below that
      const local = await inTrace((span) => span.parentSpanId === delivered.spanId && span.attributes['seams.mode'] === 'local');
      expect(local).toMatchObject({ kind: INTERNAL, name: `seam send ${event}` });
    }
    const confirmed = await inTrace((span) => span.service === 'seams-monolith' && span.name === 'seam deliver ordering.order-confirmed.v1');
    const sent = await inTrace((span) => span.parentSpanId === confirmed.spanId && span.name === 'seam send ordering.order-confirmed.v1');
    const handled = await inTrace((span) => span.service === 'seams-inventory' && span.name === 'seam handle ordering.order-confirmed.v1');
    expect(sent.kind).toBe(CLIENT);
    expect(handled.parentSpanId).toBe(sent.spanId);
  });

  it('marks a failed seam call as an error on both sides, still in one trace', async () => {
    const response = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ lines: [{ sku: 'TRACE-1', quantity: 500 }] }),
    });
    expect(response.status).toBe(409);
    const handled = await receiver.waitFor(
      (span) => span.service === 'seams-inventory' && span.attributes['seams.error_code'] === 'inventory.insufficient-stock',
    );
    expect(handled.status?.code).toBe(2); // ERROR
    const sent = await receiver.waitFor((span) => span.spanId === handled.parentSpanId);
    expect(sent).toMatchObject({ service: 'seams-monolith', traceId: handled.traceId, attributes: { 'seams.error_code': 'inventory.insufficient-stock' } });
  });
});

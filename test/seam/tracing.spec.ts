import { randomBytes } from 'node:crypto';
import { type AppProcess, freePort, PROBE_MAIN, startAppProcess } from '../support/processes';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer } from '../support/auth';
import type { ProbeSystem } from '../sim/probe-system';

const SERVER = 2;
const CLIENT = 3;
const INTERNAL = 1;

/**
 * The app's own start (test/sim/probe-main.ts runs src/host/run-main.ts) on the kernel's probe
 * modules: a monolith (alpha, charlie) and bravo's host, both exporting traces over OTLP/HTTP
 * to a receiver in this test (a real endpoint that keeps the spans in memory). Alpha's routes
 * send to charlie in process and to bravo across the seam; bravo and alpha subscribe to
 * charlie's changes.
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [{ event: 'charlie.changed.v1', handlers: 1, chain: false }], sends: ['bravo', 'charlie'] },
    { name: 'bravo', subscriptions: [{ event: 'charlie.changed.v1', handlers: 1, chain: false }] },
    { name: 'charlie', subscriptions: [] },
  ],
};

describe('traces across the seam', () => {
  let database: TestDatabase;
  const receiver = new OtlpReceiver();
  const processes: AppProcess[] = [];
  let base: string;
  const json = { 'content-type': 'application/json', authorization: adminBearer() };
  const put = (path: string, value: number, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'PUT', headers: { ...json, ...headers }, body: JSON.stringify({ value }) });
  const isDb = (span: ReceivedSpan) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql';

  beforeAll(async () => {
    database = await createTestDatabase();
    const endpoint = await receiver.start();
    const [monolithPort, hostPort, bravoSeam, alphaSeam] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = {
      DATABASE_URL: database.url,
      SIM_SYSTEM: JSON.stringify(SYSTEM),
      SEAMS_BRAVO_URL: `tcp://127.0.0.1:${bravoSeam}`,
      SEAMS_ALPHA_URL: `tcp://127.0.0.1:${alphaSeam}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    const host = startAppProcess({ ...env, PORT: String(hostPort) }, {}, [...PROBE_MAIN, '--module', 'bravo']);
    processes.push(host);
    await host.waitForLog({ msg: /API at .*tracing on/ }, 60_000);
    const monolith = startAppProcess({ ...env, PORT: String(monolithPort), SEAMS_BRAVO: 'remote' }, {}, PROBE_MAIN);
    processes.push(monolith);
    await monolith.waitForLog({ msg: /API at .*tracing on/ }, 60_000);
    base = `http://127.0.0.1:${monolithPort}`;
  }, 150_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await receiver.stop();
    await database?.drop();
  });

  it('makes a request across the seam one trace: the HTTP request, the send, the handling in the host and its database calls', async () => {
    const response = await put('/v1/alpha/forward/bravo/items/trace-1', 5, { 'x-request-id': 'trace-request-1' });
    expect(response.status).toBe(200);

    const handled = await receiver.waitFor((span) => span.service === 'seams-bravo' && span.name === 'seam handle bravo.put.v1');
    expect(handled).toMatchObject({ kind: SERVER, attributes: { 'seams.module': 'bravo', 'seams.mode': 'remote' } });
    const trace = handled.traceId;
    const inTrace = (predicate: (span: ReceivedSpan) => boolean) => receiver.waitFor((span) => span.traceId === trace && predicate(span));

    // the monolith's HTTP server span is the root of the trace
    const http = await inTrace((span) => span.service === 'seams-monolith' && span.kind === SERVER);
    expect(http.parentSpanId).toBeUndefined();
    expect(http.attributes['http.route'] ?? http.name).toMatch(/PUT|\/v1\/alpha/);
    // the send span in the monolith is the parent of the handle span in the host
    const sent = await inTrace((span) => span.service === 'seams-monolith' && span.name === 'seam send bravo.put.v1');
    expect(sent.kind).toBe(CLIENT);
    expect(handled.parentSpanId).toBe(sent.spanId);
    const hostDb = await inTrace((span) => span.service === 'seams-bravo' && isDb(span));
    expect(hostDb.kind).toBe(CLIENT);
  });

  it('makes a request in process one trace: the HTTP request, the local seam call and its database calls', async () => {
    const response = await put('/v1/alpha/forward/charlie/items/trace-2', 5);
    expect(response.status).toBe(200);
    const local = await receiver.waitFor((span) => span.service === 'seams-monolith' && span.name === 'seam send charlie.put.v1');
    expect(local).toMatchObject({ kind: INTERNAL, attributes: { 'seams.module': 'charlie', 'seams.mode': 'local' } });
    const inTrace = (predicate: (span: ReceivedSpan) => boolean) => receiver.waitFor((span) => span.traceId === local.traceId && predicate(span));
    const http = await inTrace((span) => span.service === 'seams-monolith' && span.kind === SERVER);
    expect(http.parentSpanId).toBeUndefined();
    await inTrace((span) => span.service === 'seams-monolith' && isDb(span));
  });

  it('continues the trace through the outbox to a subscriber in process (alpha) and in the host (bravo)', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await put('/v1/alpha/forward/charlie/items/trace-3', 7, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(response.status).toBe(200);
    const inTrace = (predicate: (span: ReceivedSpan) => boolean) => receiver.waitFor((span) => span.traceId === traceId && predicate(span));
    const deliveries = async () => {
      const found: ReceivedSpan[] = [];
      for (let i = 0; i < 2; i++) found.push(await inTrace((span) => span.name === 'seam deliver charlie.changed.v1' && !found.some((seen) => seen.spanId === span.spanId)));
      return found;
    };
    const delivered = await deliveries();
    expect(delivered.map((span) => span.service)).toEqual(['seams-monolith', 'seams-monolith']);
    // to alpha in process: a local seam span below its delivery
    const local = await inTrace((span) => delivered.some((d) => d.spanId === span.parentSpanId) && span.attributes['seams.mode'] === 'local');
    expect(local).toMatchObject({ kind: INTERNAL, name: 'seam send charlie.changed.v1', attributes: { 'seams.module': 'alpha' } });
    // to bravo in its host: a send below its delivery, the host's handle span below the send
    const sent = await inTrace((span) => delivered.some((d) => d.spanId === span.parentSpanId) && span.name === 'seam send charlie.changed.v1' && span.kind === CLIENT);
    const handled = await inTrace((span) => span.service === 'seams-bravo' && span.name === 'seam handle charlie.changed.v1');
    expect(handled.parentSpanId).toBe(sent.spanId);
  });

  it('marks a failed seam call as an error on both sides, still in one trace', async () => {
    // a put of 13 is bravo's typed error bravo.unlucky (a conflict)
    const response = await put('/v1/alpha/forward/bravo/items/trace-4', 13);
    expect(response.status).toBe(409);
    const handled = await receiver.waitFor((span) => span.service === 'seams-bravo' && span.attributes['seams.error_code'] === 'bravo.unlucky');
    expect(handled.status?.code).toBe(2); // ERROR
    const sent = await receiver.waitFor((span) => span.spanId === handled.parentSpanId);
    expect(sent).toMatchObject({ service: 'seams-monolith', traceId: handled.traceId, attributes: { 'seams.error_code': 'bravo.unlucky' } });
  });
});

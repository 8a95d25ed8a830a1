import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type AppProcess, freePort, PROBE_MAIN, startAppProcess } from '../support/processes';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer } from '../support/auth';
import { eventually } from '../support/test-app';
import { type ProbeSystem, subscriberName } from '../sim/probe-system';

const SERVER = 2;
const CONSUMER = 5;

/**
 * Traces through the outbox, on the kernel's probe modules started as the app starts
 * (test/sim/probe-main.ts): a monolith (alpha) with bravo and charlie in hosts of their own over
 * TCP, all three exporting over OTLP/HTTP to a real receiver in this test. Alpha's change is
 * delivered to bravo, whose chain subscriber publishes bravo.relayed in the same transaction,
 * delivered to charlie: every event is stored with the trace context of the work that published
 * it, and every delivery continues that trace, so the chain, in three processes, is one trace.
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [] },
    { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: true }] },
    { name: 'charlie', subscriptions: [{ event: 'bravo.relayed.v1', handlers: 1, chain: false }] },
  ],
};
/** Bravo's subscriber of alpha's changes, as the inbox and the faults table name it. */
const BRAVO_SUBSCRIBER = subscriberName('alpha.changed.v1', 0);

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
    const [monolithPort, bravoPort, charliePort, alphaSeam, bravoSeam, charlieSeam] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    const env = {
      DATABASE_URL: database.url,
      SIM_SYSTEM: JSON.stringify(SYSTEM),
      SEAMS_ALPHA_URL: `tcp://127.0.0.1:${alphaSeam}`,
      SEAMS_BRAVO_URL: `tcp://127.0.0.1:${bravoSeam}`,
      SEAMS_CHARLIE_URL: `tcp://127.0.0.1:${charlieSeam}`,
      SEAMS_RELAY_POLL_MS: '100',
      SEAMS_RELAY_BACKOFF_MS: '50',
      SEAMS_RELAY_MAX_BACKOFF_MS: '100',
      SEAMS_RELAY_MAX_ATTEMPTS: '2',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    const bravo = startAppProcess({ ...env, PORT: String(bravoPort) }, {}, [...PROBE_MAIN, '--module', 'bravo']);
    const charlie = startAppProcess({ ...env, PORT: String(charliePort) }, {}, [...PROBE_MAIN, '--module', 'charlie']);
    processes.push(bravo, charlie);
    await Promise.all([bravo, charlie].map((p) => p.waitForLog({ msg: /API at .*tracing on/ }, 60_000)));
    const monolith = startAppProcess({ ...env, PORT: String(monolithPort), SEAMS_BRAVO: 'remote', SEAMS_CHARLIE: 'remote' }, {}, PROBE_MAIN);
    processes.push(monolith);
    await monolith.waitForLog({ msg: /API at .*tracing on/ }, 60_000);
    base = `http://127.0.0.1:${monolithPort}`;
  }, 150_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await receiver.stop();
    await db?.end();
    await database?.drop();
  });

  /** Puts alpha's item `key` under a trace of the caller's (a `traceparent` header), so its trace id is known. */
  async function putUnderTrace(key: string): Promise<{ traceId: string }> {
    const traceId = randomBytes(16).toString('hex');
    const response = await fetch(`${base}/v1/alpha/items/${key}`, {
      method: 'PUT',
      headers: { ...json, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify({ value: 1 }),
    });
    expect(response.status).toBe(200);
    return { traceId };
  }

  /** The keys charlie has handled (bravo's relayed events of alpha's keys are `alpha-<key>`). */
  const charlieHandled = async (key: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM charlie.handled WHERE key = $1`, [`alpha-${key}`])).rows[0].n;

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

  it('makes one trace of a change, its delivery to bravo, the event bravo publishes in that handling, and its delivery to charlie, across three processes', async () => {
    const { traceId } = await putUnderTrace('chain-1');
    await eventually(() => charlieHandled('chain-1'), (n) => n === 1);
    const inTrace = (service: string, name: string) => receiver.waitFor((s) => s.traceId === traceId && s.service === service && s.name === name);

    const http = await receiver.waitFor((s) => s.traceId === traceId && s.service === 'seams-monolith' && s.kind === SERVER && !s.name.startsWith('seam '));
    const steps = [
      await inTrace('seams-monolith', 'seam deliver alpha.changed.v1'),
      await inTrace('seams-bravo', 'seam handle alpha.changed.v1'),
      await inTrace('seams-bravo', 'seam deliver bravo.relayed.v1'),
      await inTrace('seams-charlie', 'seam handle bravo.relayed.v1'),
    ];
    // Each step descends from the HTTP request (child spans, not links), and each delivery from
    // the work that published its event: bravo's handling of alpha's change is an ancestor of
    // the delivery of the event it published, and that delivery of charlie's handling.
    for (const step of steps) expect(ancestors(step).map((s) => s.spanId)).toContain(http.spanId);
    expect(ancestors(steps[2]).map((s) => s.spanId)).toContain(steps[1].spanId);
    expect(ancestors(steps[3]).map((s) => s.spanId)).toContain(steps[2].spanId);
    expect(steps[2]).toMatchObject({
      kind: CONSUMER,
      attributes: { 'seams.module': 'charlie', 'seams.message': 'bravo.relayed.v1', 'seams.delivery.attempt': 1 },
    });
  });

  it('keeps the trace of a delivery that is parked and then resubmitted', async () => {
    // bravo's subscriber fails on this key twice (SEAMS_RELAY_MAX_ATTEMPTS=2): a real failure in its handling
    await db.query(`INSERT INTO bravo.faults (handler, key, kind, remaining) VALUES ($1, 'park-1', 'throw', 2)`, [BRAVO_SUBSCRIBER]);
    const { traceId } = await putUnderTrace('park-1');
    const parked = await eventually(
      async () =>
        (
          await db.query<{ id: string; event_id: string }>(
            `SELECT d.id, d.event_id FROM alpha.seams_deliveries d WHERE d.aggregate_id = 'park-1' AND d.subscriber = 'bravo' AND d.status = 'PARKED'`,
          )
        ).rows[0],
      (row) => row !== undefined,
      20000,
    );
    // The admin list names the trace, so an operator can go from a parked delivery to it.
    const listed = await fetch(`${base}/v1/admin/events?status=failed`, { headers: json });
    expect(((await listed.json()) as { id: string; traceId: string | null }[]).find((d) => d.id === parked.id)).toMatchObject({ traceId });
    const retried = await fetch(`${base}/v1/admin/events/${parked.id}/retry`, { method: 'POST', headers: json });
    expect(retried.status).toBe(202);
    await eventually(() => charlieHandled('park-1'), (n) => n === 1);

    const deliveries = () => receiver.spans.filter((s) => s.name === 'seam deliver alpha.changed.v1' && s.attributes['seams.event_id'] === parked.event_id);
    // two failed attempts, then the one after the resubmission, which succeeds
    await receiver.waitFor(() => deliveries().length >= 3 && deliveries().some((s) => s.status?.code !== 2));
    for (const span of deliveries()) expect(span.traceId).toBe(traceId);
    expect(deliveries().filter((s) => s.status?.code === 2)).toHaveLength(2);
    const settled = await receiver.waitFor((s) => s.service === 'seams-bravo' && s.name === 'seam handle alpha.changed.v1' && s.traceId === traceId && s.status?.code !== 2);
    expect(ancestors(settled).map((s) => s.spanId)).toEqual(expect.arrayContaining(deliveries().filter((s) => s.status?.code !== 2).map((s) => s.spanId)));
  });

  it('delivers an event stored with a malformed trace context, or with none, each in a trace of its own', async () => {
    const { traceId } = await putUnderTrace('plain-1');
    await eventually(() => charlieHandled('plain-1'), (n) => n === 1);
    // Stored as an older process (no trace context) or a damaged row (a traceparent that does not parse) left them.
    const cases = [
      { id: randomUUID(), key: 'stored-1', traceparent: 'not-a-traceparent', tracestate: '=,=' },
      { id: randomUUID(), key: 'stored-2', traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`, tracestate: null }, // all-zero ids are invalid
      { id: randomUUID(), key: 'stored-3', traceparent: null, tracestate: null },
    ];
    for (const { id, key, traceparent, tracestate } of cases) {
      await db.query(
        `WITH o AS (INSERT INTO alpha.seams_outbox (id, name, aggregate_id, payload, correlation_id, traceparent, tracestate)
                    VALUES ($1, 'alpha.changed.v1', $2, $3, 'replayed', $4, $5) RETURNING id, position, aggregate_id)
         INSERT INTO alpha.seams_deliveries (id, event_id, position, aggregate_id, subscriber)
         SELECT gen_random_uuid(), o.id, o.position, o.aggregate_id, 'bravo' FROM o`,
        [id, key, JSON.stringify({ key, seq: 1, value: 1 }), traceparent, tracestate],
      );
    }
    await db.query(`SELECT pg_notify('seams_outbox', 'alpha')`);
    for (const { id } of cases) {
      await eventually(
        async () => (await db.query<{ status: string }>('SELECT status FROM alpha.seams_deliveries WHERE event_id = $1', [id])).rows[0]?.status,
        (status) => status === 'DELIVERED',
      );
      const delivered = await receiver.waitFor((s) => s.name === 'seam deliver alpha.changed.v1' && s.attributes['seams.event_id'] === id);
      expect(delivered.parentSpanId).toBeUndefined(); // a new trace
      expect(delivered.traceId).not.toBe(traceId);
      expect(delivered.status?.code).not.toBe(2);
      const handled = await receiver.waitFor((s) => s.service === 'seams-bravo' && s.name === 'seam handle alpha.changed.v1' && s.traceId === delivered.traceId);
      expect(ancestors(handled).map((s) => s.spanId)).toContain(delivered.spanId);
    }
    const listed = (await (await fetch(`${base}/v1/admin/events?status=delivered&limit=500`, { headers: json })).json()) as { eventId: string; traceId: string | null }[];
    for (const { id } of cases) expect(listed.find((d) => d.eventId === id)).toMatchObject({ traceId: null });
  });
});

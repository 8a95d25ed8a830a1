import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { ensureDatabase } from '@seams/kernel/persistence';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer } from '../support/auth';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { eventually } from '../support/test-app';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules: alpha's changes, handled by bravo in the same process. */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [] },
    { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] },
  ],
};

/**
 * PostgreSQL stopped (immediate mode) for ten seconds under a steady load of changes to one
 * item, then started again. During the outage every request that needs the database gets a
 * 503 problem with Retry-After (never a 500, never a hang); readiness says the database is down
 * while liveness stays up. Afterwards the app recovers by itself: every change answered 200 is
 * there, and each change's event is handled once, in order.
 */
const OUTAGE_MS = 10_000;
const SENDERS = 4;

interface Answer {
  readonly phase: 'before' | 'outage' | 'after';
  readonly status: number | 'no answer';
  readonly seq?: number;
  readonly retryAfter?: string | null;
  readonly problemCode?: string;
}

describe('the database goes away and comes back', () => {
  let server: OwnPostgres;
  let app: INestApplication;
  let base: string;
  let url: string;

  beforeAll(async () => {
    server = await startOwnPostgres();
    url = await ensureDatabase(server.url, 'seams');
    app = await createApp({
      manifests: probeManifests(SYSTEM, { slowMs: 1000 }),
      database: { url, poolSize: 4 },
      logger: false,
      env: {
        ...process.env,
        SEAMS_RATE_LIMIT: '0',
        SEAMS_RELAY_POLL_MS: '200',
        SEAMS_RELAY_MAX_BACKOFF_MS: '1000',
        SEAMS_RELAY_MAX_ATTEMPTS: '1000',
      },
    });
    await startApp(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: adminBearer(), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });

  it('answers 503 with Retry-After during the outage, recovers by itself, and loses no change nor handles one twice', async () => {
    let phase: Answer['phase'] = 'before';
    let running = true;
    const answers: Answer[] = [];
    const count = (which: Answer['phase'], status: number) => answers.filter((a) => a.phase === which && a.status === status).length;
    const senders = Array.from({ length: SENDERS }, async () => {
      while (running) {
        const started = phase;
        try {
          const response = await call('PUT', '/v1/alpha/items/out-1', { value: 1 });
          const body = (await response.json().catch(() => ({}))) as { seq?: number; code?: string };
          answers.push({ phase: started === phase ? started : 'outage', status: response.status, seq: body.seq, retryAfter: response.headers.get('retry-after'), problemCode: body.code });
        } catch {
          answers.push({ phase: started, status: 'no answer' });
        }
        if (phase === 'outage') await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    await eventually(async () => count('before', 200), (n) => n >= 20, 30_000);
    phase = 'outage';
    await server.stopImmediately();
    const ready = await eventually(async () => (await call('GET', '/health/ready')).status, (status) => status === 503, 15_000);
    expect(ready).toBe(503);
    const readiness = (await (await call('GET', '/health/ready')).json()) as { error?: Record<string, unknown> };
    expect(Object.keys(readiness.error ?? {})).toEqual(expect.arrayContaining([expect.stringMatching(/^database:/)]));
    expect((await call('GET', '/health/live')).status).toBe(200);
    await eventually(async () => count('outage', 503), (n) => n >= 10, 15_000);
    // The outage lasts its ten seconds (the scenario, not an assertion on time).
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await server.start();
    phase = 'after';
    await eventually(async () => count('after', 200), (n) => n >= 20, 60_000);
    running = false;
    await Promise.all(senders);

    const unexpected = answers.filter((a) => a.status !== 200 && !(a.status === 503 && a.phase !== 'before'));
    expect(unexpected).toEqual([]);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused).toMatchObject({ problemCode: expect.stringMatching(/^(database|seam)\.unavailable$/), retryAfter: expect.stringMatching(/^\d+$/) });
    }

    // Every change answered 200 is there, each under a sequence of its own; as many events were
    // published as changes committed, and bravo handled each once, in order.
    const seqs = answers.filter((a) => a.status === 200).map((a) => a.seq!);
    expect(new Set(seqs).size).toBe(seqs.length);
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const version = Number((await db.query(`SELECT version FROM alpha.items WHERE key = 'out-1'`)).rows[0].version);
      expect(version).toBeGreaterThanOrEqual(seqs.length);
      expect(Math.max(...seqs)).toBeLessThanOrEqual(version);
      expect(Number((await db.query(`SELECT count(*) AS n FROM alpha.seams_outbox WHERE aggregate_id = 'out-1'`)).rows[0].n)).toBe(version);
      const handled = await eventually(
        async () => (await db.query<{ event_id: string; seq: number }>(`SELECT event_id, seq FROM bravo.handled WHERE key = 'out-1' ORDER BY n`)).rows,
        (rows) => rows.length >= version,
        60_000,
      );
      expect(new Set(handled.map((row) => row.event_id)).size).toBe(handled.length);
      expect(handled.map((row) => row.seq)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
    } finally {
      await db.end();
    }
  }, 240_000);
});

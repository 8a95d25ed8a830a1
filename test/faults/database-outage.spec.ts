// @uses-modules catalog inventory ordering payments
import type { INestApplication } from '@nestjs/common';
import { ensureDatabase } from '@seams/kernel/persistence';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer } from '../support/auth';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { eventually } from '../support/test-app';

/**
 * PostgreSQL stopped (immediate mode) for ten seconds under a steady load of orders, then
 * started again. During the outage every request that needs the database gets a 503 problem
 * with Retry-After (never a 500, never a hang); readiness says the database is down while
 * liveness stays up. Afterwards the app recovers by itself, every order that got a 201 ends
 * CONFIRMED or CANCELLED, each is paid once, and the stock is exact.
 */
const OUTAGE_MS = 10_000;
const SENDERS = 4;

interface Answer {
  readonly phase: 'before' | 'outage' | 'after';
  readonly status: number | 'no answer';
  readonly id?: string;
  readonly retryAfter?: string | null;
  readonly problemCode?: string;
}

describe('the database goes away and comes back', () => {
  let server: OwnPostgres;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    server = await startOwnPostgres();
    const url = await ensureDatabase(server.url, 'seams');
    app = await createApp({
      database: { url, poolSize: 4 },
      logger: false,
      env: {
        ...process.env,
        SEAMS_RATE_LIMIT: '0',
        SEAMS_RELAY_POLL_MS: '200',
        SEAMS_RELAY_MAX_BACKOFF_MS: '1000',
        SEAMS_RELAY_MAX_ATTEMPTS: '1000',
        ORDERING_PLACEMENT_STALE_MS: '3000',
        ORDERING_PLACEMENT_RECOVERY_MS: '500',
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

  it('answers 503 with Retry-After during the outage, recovers by itself, and loses no order, payment or unit of stock', async () => {
    await (await call('POST', '/v1/catalog/products', { sku: 'OUT-1', name: 'Outage', priceMinor: 100, currency: 'EUR' })).text();
    expect((await call('PUT', '/v1/inventory/stock/OUT-1', { onHand: 100_000 })).status).toBe(200);

    let phase: Answer['phase'] = 'before';
    let running = true;
    const answers: Answer[] = [];
    const count = (which: Answer['phase'], status: number) => answers.filter((a) => a.phase === which && a.status === status).length;
    const senders = Array.from({ length: SENDERS }, async () => {
      while (running) {
        const started = phase;
        try {
          const response = await call('POST', '/v1/orders', { lines: [{ sku: 'OUT-1', quantity: 1 }] });
          const body = (await response.json().catch(() => ({}))) as { id?: string; code?: string };
          answers.push({ phase: started === phase ? started : 'outage', status: response.status, id: body.id, retryAfter: response.headers.get('retry-after'), problemCode: body.code });
        } catch {
          answers.push({ phase: started, status: 'no answer' });
        }
        if (phase === 'outage') await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    await eventually(async () => count('before', 201), (n) => n >= 20, 30_000);
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
    await eventually(async () => count('after', 201), (n) => n >= 20, 60_000);
    running = false;
    await Promise.all(senders);

    const unexpected = answers.filter((a) => a.status !== 201 && !(a.status === 503 && a.phase !== 'before'));
    expect(unexpected).toEqual([]);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused).toMatchObject({ problemCode: expect.stringMatching(/^(database|seam)\.unavailable$/), retryAfter: expect.stringMatching(/^\d+$/) });
    }

    // Every order that got a 201 settles, is paid once, and the stock adds up.
    const ids = answers.filter((a) => a.status === 201).map((a) => a.id!);
    const statuses = await eventually(
      async () => Promise.all(ids.map(async (id) => ((await (await call('GET', `/v1/orders/${id}`)).json()) as { status: string }).status)),
      (list) => list.every((status) => status === 'CONFIRMED' || status === 'CANCELLED'),
      60_000,
    );
    const confirmed = statuses.filter((status) => status === 'CONFIRMED').length;
    for (const id of ids) {
      const payments = (await (await call('GET', `/v1/payments?orderId=${id}`)).json()) as unknown[];
      expect(payments).toHaveLength(1);
    }
    const stock = await eventually(
      async () => (await (await call('GET', '/v1/inventory/stock/OUT-1')).json()) as { onHand: number; reserved: number },
      (item) => item.reserved === 0 && item.onHand === 100_000 - confirmed,
      60_000,
    );
    expect(stock).toMatchObject({ onHand: 100_000 - confirmed, reserved: 0 });
  }, 240_000);
});

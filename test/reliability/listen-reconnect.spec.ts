import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { eventually } from '../support/test-app';
import { probeManifests, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * The relay is woken by LISTEN/NOTIFY; its polling fallback is set to ten minutes here, so
 * only a notification can deliver an event within the test. The PostgreSQL server (the test's
 * own) is stopped for longer than a first reconnect takes and started again: the relay's
 * LISTEN connection comes back, and a commit wakes it again. (It used to try once, a second
 * after the loss, and then poll only.)
 */
const SYSTEM: ProbeSystem = { modules: [{ name: 'alpha', subscriptions: [] }, { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] }] };
const { Put } = probeMessages('alpha');

describe('the relay\'s LISTEN connection across a database restart', () => {
  let server: OwnPostgres;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    server = await startOwnPostgres();
    url = server.url;
    app = await createApp({
      manifests: probeManifests(SYSTEM, { slowMs: 1500 }),
      env: { ...testAuthEnv(), SEAMS_RELAY_POLL_MS: String(10 * 60_000) },
      logger: false,
      database: { url, poolSize: 4 },
    });
    await startApp(app, 0, '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  const handled = async () => {
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      return (await db.query(`SELECT key FROM bravo.handled ORDER BY n`)).rows.map((row: { key: string }) => row.key);
    } finally {
      await db.end();
    }
  };
  const put = (key: string) => RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: `listen-${key}` }, () => app.get(Seam).send(new Put(key, 1)));

  it('is woken by a commit before the outage', async () => {
    await put('k1');
    await eventually(handled, (keys) => keys.includes('k1'), 20_000);
  });

  it('is woken by a commit again once the database is back, however long it was away', async () => {
    await server.stopImmediately();
    // Down for longer than the first reconnect (250 ms) and the old single retry (1 s) take.
    await eventually(async () => (await fetch(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/health/ready`)).status, (status) => status === 503, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the outage's length, not an assertion on time
    await server.start();
    // The put is retried until the module's pool has a connection again.
    await eventually(() => put('k2').then(() => true, () => false), (ok) => ok, 30_000);
    await eventually(handled, (keys) => keys.includes('k2'), 30_000);
  });
});

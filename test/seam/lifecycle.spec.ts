import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { Lifecycle } from '@seams/kernel/context';
import { OutboxRelay } from '@seams/kernel/messaging';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * Background work follows the process's life, on probe modules (bravo subscribes to alpha's
 * event): the relay delivers nothing while the process starts (readiness 503, `starting`),
 * delivers once it is ready (`startApp`), and takes no new work from the first moment of
 * shutdown (readiness 503 at once).
 */
const SYSTEM: ProbeSystem = { modules: [{ name: 'alpha', subscriptions: [] }, { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] }] };
const { Put } = probeMessages('alpha');

describe('the process lifecycle and its background work', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1500 }), env: { ...testAuthEnv(), SEAMS_RELAY_POLL_MS: '50' }, logger: false, database: { url: database.url, poolSize: 4 } });
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await database?.drop();
  });

  const deliveries = async () => (await db.query<{ status: string }>(`SELECT status FROM alpha.seams_deliveries ORDER BY position`)).rows.map((row) => row.status);
  const put = (value: number) => RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: `lifecycle-${value}` }, () => app.get(Seam).send(new Put('k1', value)));

  it('is not ready and delivers nothing while it starts', async () => {
    await app.init();
    const ready = await request(app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toMatchObject({ process: { status: 'down', reason: 'starting' } });
    await put(1);
    expect(app.get(OutboxRelay).started).toBe(false);
    expect(await deliveries()).toEqual(['PENDING']);
  });

  it('delivers once it is ready, and answers readiness', async () => {
    await startApp(app, 0, '127.0.0.1');
    expect(app.get(OutboxRelay).started).toBe(true);
    await eventually(deliveries, (statuses) => statuses.every((status) => status === 'DELIVERED'));
    await request(app.getHttpServer()).get('/health/ready').expect(200);
  });

  it('is not ready, and its relay takes no new work, from the first moment of shutdown', async () => {
    app.get(Lifecycle).beginShutdown();
    const ready = await request(app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toMatchObject({ process: { status: 'down', reason: 'shutting down' } });
    await put(2);
    expect(await deliveries()).toEqual(['DELIVERED', 'PENDING']);
  });
});

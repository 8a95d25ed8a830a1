import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages, type ProbeSystem, subscriberName } from '../sim/probe-system';

/**
 * An event delivery has the same deadline wherever its subscriber runs: a subscriber slower
 * than `SEAMS_TIMEOUT_MS` has its work rolled back and the delivery fails with seam.timeout,
 * then is retried, in process as in a module host. (In process, the delivery once waited for
 * as long as the subscriber took, and its work committed.)
 */
const SYSTEM: ProbeSystem = { modules: [{ name: 'alpha', subscriptions: [] }, { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] }] };
const REGISTER = join(__dirname, '..', 'sim', 'register.js');
const HOST = join(__dirname, '..', 'sim', 'probe-host.ts');

describe.each(['in process', 'in a module host'] as const)('a subscriber slower than the deadline, %s', (where) => {
  let database: TestDatabase;
  let monolith: INestApplication;
  let host: AppProcess | undefined;
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env: Record<string, string> = { ...testAuthEnv(), DATABASE_URL: database.url, SIM_SYSTEM: JSON.stringify(SYSTEM), SIM_SLOW_MS: '1500', SEAMS_TIMEOUT_MS: '800', SEAMS_RELAY_POLL_MS: '100', SEAMS_RELAY_BACKOFF_MS: '20' };
    if (where === 'in a module host') {
      Object.assign(env, { SEAMS_BRAVO: 'remote', SEAMS_BRAVO_URL: `tcp://127.0.0.1:${await freePort()}` });
      host = startAppProcess({ ...env, PORT: String(await freePort()), SEAMS_HOST_MODULE: 'bravo', SEAMS_LOG_LEVEL: 'warn' }, {}, ['-r', REGISTER, HOST]);
      await host.waitFor(/probe host of bravo ready/, 60_000);
    }
    monolith = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1500 }), env, logger: false, database: { url: database.url, poolSize: 4 } });
    await startApp(monolith, 0, '127.0.0.1');
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, 90_000);

  afterAll(async () => {
    await db?.end();
    await monolith?.close();
    await host?.stop();
    await database?.drop();
  });

  it('is timed out and its work rolled back, then retried and handled once', async () => {
    await db.query(`INSERT INTO bravo.faults (handler, key, kind, remaining) VALUES ($1, 'k1', 'slow', 1)`, [subscriberName('alpha.changed.v1', 0)]);
    await RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'deadline-1' }, () => monolith.get(Seam).send(new (probeMessages('alpha').Put)('k1', 3)));
    await eventually(async () => (await db.query(`SELECT 1 FROM alpha.seams_deliveries WHERE status = 'DELIVERED'`)).rowCount, (n) => n === 1, 30_000);
    const delivery = await db.query<{ attempts: number; failures: number }>(`SELECT attempts, failures FROM alpha.seams_deliveries`);
    // The slow attempt failed (timed out) and counted as a failure of a reached subscriber; the retry went through.
    expect(delivery.rows).toEqual([{ attempts: 2, failures: 1 }]);
    // The slow attempt's work never committed: one handling, though the subscriber was entered twice.
    await eventually(async () => (await db.query(`SELECT 1 FROM bravo.calls WHERE key = 'k1'`)).rowCount, (n) => n === 2);
    expect((await db.query(`SELECT 1 FROM bravo.handled WHERE key = 'k1'`)).rowCount).toBe(1);
  });
});

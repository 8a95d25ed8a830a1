import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { readSettings } from '../../src/host/config';
import { testAuthEnv } from '../support/auth';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages, type ProbeSystem, subscriberName } from '../sim/probe-system';

/**
 * Two relays on one database (two monoliths of a probe system, in this process) deliver
 * alpha's events to bravo's host (a real process). bravo's subscriber is slow (600 ms, within
 * the 1 s deadline) and one relay claims a round of 12 at once: delivered one after the other,
 * the round outlasts its 5 s lease. A round that ran past its lease let the other relay claim
 * and deliver the same events beside it (each entered twice); a round bounded by its lease
 * gives back what it cannot start in time.
 */
const SYSTEM: ProbeSystem = { modules: [{ name: 'alpha', subscriptions: [] }, { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] }] };
const EVENTS = 12;
const SLOW_MS = 600;
const REGISTER = join(__dirname, '..', 'sim', 'register.js');
const HOST = join(__dirname, '..', 'sim', 'probe-host.ts');

describe('relays sharing an outbox, with rounds longer than a lease', () => {
  let database: TestDatabase;
  let bravo: AppProcess;
  const relays: INestApplication[] = [];
  let db: Client;

  afterAll(async () => {
    for (const app of relays) await app.close();
    await bravo?.stop();
    await db?.end();
    await database?.drop();
  });

  it('delivers every event once: a round starts no delivery that could outlive its lease', async () => {
    database = await createTestDatabase();
    const env = {
      ...testAuthEnv(),
      DATABASE_URL: database.url,
      SIM_SYSTEM: JSON.stringify(SYSTEM),
      SIM_SLOW_MS: String(SLOW_MS),
      SEAMS_BRAVO: 'remote',
      SEAMS_BRAVO_URL: `tcp://127.0.0.1:${await freePort()}`,
      SEAMS_TIMEOUT_MS: '1000',
      SEAMS_RELAY_LEASE_MS: '5000',
      SEAMS_RELAY_BATCH: String(EVENTS),
      SEAMS_RELAY_CONCURRENCY: '1',
      SEAMS_RELAY_POLL_MS: '100',
      SEAMS_RELAY_BACKOFF_MS: '20',
    };
    bravo = startAppProcess({ ...env, PORT: String(await freePort()), SEAMS_HOST_MODULE: 'bravo', SEAMS_LOG_LEVEL: 'warn' }, {}, ['-r', REGISTER, HOST]);
    await bravo.waitFor(/probe host of bravo ready/, 60_000);
    const monolith = () => createApp({ manifests: probeManifests(SYSTEM, { slowMs: SLOW_MS }), env, logger: false, database: { url: database.url, poolSize: 4 } });
    // Not ready yet: the events pile up, and the first relay to start claims them in one round.
    relays.push(await monolith(), await monolith());
    for (const app of relays) await app.init();
    db = new Client({ connectionString: database.url });
    await db.connect();
    const keys = Array.from({ length: EVENTS }, (_, i) => `k${i + 1}`);
    for (const key of keys) {
      await db.query(`INSERT INTO bravo.faults (handler, key, kind, remaining) VALUES ($1, $2, 'slow', 1000)`, [subscriberName('alpha.changed.v1', 0), key]);
      await RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: `lease-${key}` }, () => relays[0].get(Seam).send(new (probeMessages('alpha').Put)(key, 1)));
    }
    await startApp(relays[0], 0, '127.0.0.1');
    await eventually(async () => (await db.query(`SELECT 1 FROM alpha.seams_deliveries WHERE lease_until > now()`)).rowCount ?? 0, (n) => n > 0);
    await startApp(relays[1], 0, '127.0.0.1');

    await eventually(
      async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alpha.seams_deliveries WHERE status = 'DELIVERED'`)).rows[0].n,
      (n) => n === EVENTS,
      60_000,
    );
    const entered = await db.query<{ key: string; n: number }>(`SELECT key, count(*)::int AS n FROM bravo.calls WHERE message = 'alpha.changed.v1' GROUP BY key ORDER BY key`);
    expect(entered.rows.filter((row) => row.n > 1)).toEqual([]);
    expect(entered.rows.length).toBe(EVENTS);
    expect((await db.query(`SELECT 1 FROM bravo.handled`)).rowCount).toBe(EVENTS);
  }, 120_000);
});

describe('relay settings that cannot hold', () => {
  it('refuses a lease shorter than a delivery can take, naming both settings', () => {
    expect(() => readSettings({ SEAMS_TIMEOUT_MS: '5000', SEAMS_RELAY_LEASE_MS: '20000' })).toThrow(
      'SEAMS_RELAY_LEASE_MS (20000) must be at least 21000 ms: twice the longest delivery, which may take SEAMS_TIMEOUT_MS (5000 ms)',
    );
    expect(() => readSettings({ SEAMS_TIMEOUT_MS: '5000', SEAMS_RELAY_LEASE_MS: '21000' })).not.toThrow();
  });
});

import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * A duplicate key that a handler does not catch (PostgreSQL 23505) is a typed conflict,
 * `persistence.unique-violation` (409 at the HTTP edge), naming the constraint and not the
 * values: the same in process (alpha) and across the seam from a module host (bravo), never a
 * 500 or `seam.remote-failure`.
 */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo'].map((name) => ({ name, subscriptions: [] })) };
const REGISTER = join(__dirname, '..', 'sim', 'register.js');
const HOST = join(__dirname, '..', 'sim', 'probe-host.ts');

describe('a unique violation no handler catches', () => {
  let database: TestDatabase;
  let bravo: AppProcess;
  let monolith: INestApplication;
  const create = (module: string, key: string) => RequestContexts.runAsService('test', () => monolith.get(Seam).send(new (probeMessages(module).Create)(key)));

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...testAuthEnv(), DATABASE_URL: database.url, SIM_SYSTEM: JSON.stringify(SYSTEM), SIM_SLOW_MS: '1000', SEAMS_BRAVO: 'remote', SEAMS_BRAVO_URL: `tcp://127.0.0.1:${await freePort()}` };
    bravo = startAppProcess({ ...env, PORT: String(await freePort()), SEAMS_HOST_MODULE: 'bravo', SEAMS_LOG_LEVEL: 'warn' }, {}, ['-r', REGISTER, HOST]);
    await bravo.waitFor(/probe host of bravo ready/, 60_000);
    monolith = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1000 }), env, logger: false, database: { url: database.url, poolSize: 2 } });
    await startApp(monolith, 0, '127.0.0.1');
  }, 90_000);

  afterAll(async () => {
    await monolith?.close();
    await bravo?.stop();
    await database?.drop();
  });

  it.each(['alpha', 'bravo'])('is the typed conflict persistence.unique-violation (%s)', async (module) => {
    await expect(create(module, 'k1')).resolves.toBeNull();
    const error = await create(module, 'k1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'persistence.unique-violation', kind: 'conflict', details: { constraint: 'items_pkey' } });
    expect((error as Error).message).not.toContain('k1');
  });
});

import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { BAD_ANSWER_VALUE, probeManifests, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * Answers are declared in the contract (`answer`) and checked on every path: on probe modules,
 * alpha in this process and bravo in a module host, a handler's answer that breaks its schema
 * is the same typed error, `seam.bad-answer`, in process as across the process; a good answer
 * is the same plain data on both paths.
 */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo'].map((name) => ({ name, subscriptions: [] })) };
const REGISTER = join(__dirname, '..', 'sim', 'register.js');
const HOST = join(__dirname, '..', 'sim', 'probe-host.ts');

describe('answers checked against their contract, wherever the handler runs', () => {
  let database: TestDatabase;
  let bravo: AppProcess;
  let monolith: INestApplication;
  const send = (module: string, value: number) =>
    RequestContexts.runAsService('test', () => monolith.get(Seam).send(new (probeMessages(module).Put)('k1', value)));

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...testAuthEnv(), DATABASE_URL: database.url, SIM_SYSTEM: JSON.stringify(SYSTEM), SIM_SLOW_MS: '1500', SEAMS_BRAVO: 'remote', SEAMS_BRAVO_URL: `tcp://127.0.0.1:${await freePort()}` };
    bravo = startAppProcess({ ...env, PORT: String(await freePort()), SEAMS_HOST_MODULE: 'bravo', SEAMS_LOG_LEVEL: 'warn' }, {}, ['-r', REGISTER, HOST]);
    await bravo.waitFor(/probe host of bravo ready/, 60_000);
    monolith = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1500 }), env, logger: false, database: { url: database.url, poolSize: 2 } });
    await startApp(monolith, 0, '127.0.0.1');
  }, 90_000);

  afterAll(async () => {
    await monolith?.close();
    await bravo?.stop();
    await database?.drop();
  });

  it.each(['alpha', 'bravo'])('answers a good answer as the same plain data (%s)', async (module) => {
    const answer = await send(module, 5);
    expect(answer).toEqual({ key: 'k1', seq: 1 });
    expect(Object.getPrototypeOf(answer)).toBe(Object.prototype);
  });

  it.each(['alpha', 'bravo'])('refuses an answer that breaks the contract with seam.bad-answer (%s)', async (module) => {
    const error = await send(module, BAD_ANSWER_VALUE).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'seam.bad-answer', details: { message: `${module}.put.v1`, issues: [{ path: 'seq', message: expect.stringContaining('>=1') }] } });
  });
});

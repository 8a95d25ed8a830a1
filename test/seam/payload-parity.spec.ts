import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages, type ProbeSystem, STOWAWAY_VALUE } from '../sim/probe-system';

/**
 * A handler gets the same payload wherever it runs: the contract's parse of what was sent
 * (defaults filled in, keys the contract does not name dropped, undefined keys gone, transforms
 * applied), as a message of its class. Probe modules: alpha and charlie in this process, bravo
 * in a module host; alpha and bravo both subscribe to charlie's events.
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [{ event: 'charlie.changed.v1', handlers: 1, chain: false }] },
    { name: 'bravo', subscriptions: [{ event: 'charlie.changed.v1', handlers: 1, chain: false }] },
    { name: 'charlie', subscriptions: [] },
  ],
};
const REGISTER = join(__dirname, '..', 'sim', 'register.js');
const HOST = join(__dirname, '..', 'sim', 'probe-host.ts');

describe('the same payload for a handler in process and in a module host', () => {
  let database: TestDatabase;
  let rows: DataSource;
  let bravo: AppProcess;
  let monolith: INestApplication;
  const as = <T>(work: () => Promise<T>) => RequestContexts.runAsService('test', work);

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...testAuthEnv(), DATABASE_URL: database.url, SIM_SYSTEM: JSON.stringify(SYSTEM), SIM_SLOW_MS: '1000', SEAMS_BRAVO: 'remote', SEAMS_BRAVO_URL: `tcp://127.0.0.1:${await freePort()}` };
    bravo = startAppProcess({ ...env, PORT: String(await freePort()), SEAMS_HOST_MODULE: 'bravo', SEAMS_LOG_LEVEL: 'warn' }, {}, ['-r', REGISTER, HOST]);
    await bravo.waitFor(/probe host of bravo ready/, 60_000);
    monolith = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1000 }), env, logger: false, database: { url: database.url, poolSize: 3 } });
    await startApp(monolith, 0, '127.0.0.1');
    rows = await new DataSource({ type: 'postgres', url: database.url }).initialize();
  }, 90_000);

  afterAll(async () => {
    await rows?.destroy();
    await monolith?.close();
    await bravo?.stop();
    await database?.drop();
  });

  const echo = (module: string, ...args: [string, string?, string?]) => {
    const { Echo } = probeMessages(module);
    return new Echo(...args);
  };

  it.each(['alpha', 'bravo'])('fills in a default, drops an unknown key and applies a transform (%s)', async (module) => {
    const query = Object.assign(echo(module, 'hi', undefined, 'loud'), { stowaway: 'not in the contract' });
    await expect(as(() => monolith.get(Seam).ask(query))).resolves.toEqual({ keys: ['note', 'shout', 'text'], note: 'none', shout: 'LOUD', echo: true });
  });

  it.each(['alpha', 'bravo'])('drops a key holding undefined, as JSON does (%s)', async (module) => {
    await expect(as(() => monolith.get(Seam).ask(echo(module, 'hi', 'kept')))).resolves.toEqual({ keys: ['note', 'text'], note: 'kept', shout: null, echo: true });
  });

  it.each(['alpha', 'bravo'])('refuses a payload that is no JSON data with the same typed error (%s)', async (module) => {
    const query = Object.assign(echo(module, 'hi'), { text: 10n });
    await expect(as(() => monolith.get(Seam).ask(query))).rejects.toMatchObject({ code: 'seam.invalid-message', details: { issues: [{ path: '(payload)', message: expect.stringContaining('not JSON data') }] } });
  });

  it('delivers an event with a key its contract does not name without that key, to a subscriber in process and in a host', async () => {
    const { Put } = probeMessages('charlie');
    await as(() => monolith.get(Seam).send(new Put('stowaway', STOWAWAY_VALUE)));
    const handled = async (module: string) => (await rows.query(`SELECT keys FROM "${module}".handled WHERE key = 'stowaway'`)) as { keys: string }[];
    await expect(eventually(() => handled('alpha'), (found) => found.length === 1, 30_000)).resolves.toEqual([{ keys: 'key,seq,value' }]);
    await expect(eventually(() => handled('bravo'), (found) => found.length === 1, 30_000)).resolves.toEqual([{ keys: 'key,seq,value' }]);
  });
});

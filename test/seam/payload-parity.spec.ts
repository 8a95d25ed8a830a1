import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeMessages, type ProbeSystem, STOWAWAY_VALUE } from '../sim/probe-system';

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

describe('the same payload for a handler in process and in a module host', () => {
  let database: TestDatabase;
  let rows: DataSource;
  let probe: HostedProbe;
  let monolith: INestApplication;
  const as = <T>(work: () => Promise<T>) => RequestContexts.runAsService('test', work);

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, 1000);
    monolith = probe.monolith;
    rows = await new DataSource({ type: 'postgres', url: database.url }).initialize();
  }, 90_000);

  afterAll(async () => {
    await rows?.destroy();
    await probe?.close();
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

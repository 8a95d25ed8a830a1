import type { INestApplication } from '@nestjs/common';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * A duplicate key that a handler does not catch (PostgreSQL 23505) is a typed conflict,
 * `persistence.unique-violation` (409 at the HTTP edge), naming the constraint and not the
 * values: the same in process (alpha) and across the seam from a module host (bravo), never a
 * 500 or `seam.remote-failure`.
 */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo'].map((name) => ({ name, subscriptions: [] })) };

describe('a unique violation no handler catches', () => {
  let database: TestDatabase;
  let probe: HostedProbe;
  let monolith: INestApplication;
  const create = (module: string, key: string) => RequestContexts.runAsService('test', () => monolith.get(Seam).send(new (probeMessages(module).Create)(key)));

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, 1000);
    monolith = probe.monolith;
  }, 90_000);

  afterAll(async () => {
    await probe?.close();
    await database?.drop();
  });

  it.each(['alpha', 'bravo'])('is the typed conflict persistence.unique-violation (%s)', async (module) => {
    await expect(create(module, 'k1')).resolves.toBeNull();
    const error = await create(module, 'k1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'persistence.unique-violation', kind: 'conflict', details: { constraint: 'items_pkey' } });
    expect((error as Error).message).not.toContain('k1');
  });
});

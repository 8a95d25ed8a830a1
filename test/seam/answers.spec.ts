import type { INestApplication } from '@nestjs/common';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { BAD_ANSWER_VALUE, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * Answers are declared in the contract (`answer`) and checked on every path: on probe modules,
 * alpha in this process and bravo in a module host, a handler's answer that breaks its schema
 * is the same typed error, `seam.bad-answer`, in process as across the process; a good answer
 * is the same plain data on both paths.
 */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo'].map((name) => ({ name, subscriptions: [] })) };

describe('answers checked against their contract, wherever the handler runs', () => {
  let database: TestDatabase;
  let probe: HostedProbe;
  let monolith: INestApplication;
  const send = (module: string, value: number) =>
    RequestContexts.runAsService('test', () => monolith.get(Seam).send(new (probeMessages(module).Put)('k1', value)));

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, 1500);
    monolith = probe.monolith;
  }, 90_000);

  afterAll(async () => {
    await probe?.close();
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

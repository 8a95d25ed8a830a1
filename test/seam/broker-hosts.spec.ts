import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { testAuthEnv } from '../support/auth';
import { brokerTest } from '../support/brokers';
import { BROKERS, deleteQueues } from '../support/cluster';
import { type ProbePair, startProbePair } from '../support/probe-pair';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeMessages } from '../sim/probe-system';

/**
 * A process that serves several modules over a broker (here the monolith of a probe system,
 * serving alpha and bravo to a module host of charlie) must handle each message once: a
 * non-idempotent command (probe `put` bumps its item's version) sent N times is entered N times.
 * Nest's broker servers subscribe every pattern the process serves; with one server per module
 * (each with its own NATS queue group) a message to alpha was taken by both groups and run twice.
 */
const PUTS = 8;

const nats = brokerTest('NATS', 4222);
const rabbit = brokerTest('RabbitMQ', 5672);

describe.each([
  ['nats', nats.describe],
  ['amqp', rabbit.describe],
] as const)('a host serving several modules over %s', (transport, describeIt) => {
  describeIt(`over ${transport}`, () => {
    let database: TestDatabase;
    let pair: ProbePair;
    let db: Client;
    const namespace = `hosts${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      database = await createTestDatabase();
      pair = await startProbePair({
        ...testAuthEnv(),
        DATABASE_URL: database.url,
        SEAMS_NAMESPACE: namespace,
        SEAMS_ALPHA_URL: BROKERS[transport],
        SEAMS_BRAVO_URL: BROKERS[transport],
        SEAMS_CHARLIE_URL: BROKERS[transport],
      });
      db = new Client({ connectionString: database.url });
      await db.connect();
    }, 90_000);

    afterAll(async () => {
      await db?.end();
      await pair?.close();
      if (transport === 'amqp') await deleteQueues(namespace, ['alpha', 'bravo', 'charlie']);
      await database?.drop();
    });

    it(`runs a command sent ${PUTS} times to one of its modules exactly ${PUTS} times`, async () => {
      const seam = pair.charlie.get(Seam);
      const { Put, Get } = probeMessages('alpha');
      for (let value = 1; value <= PUTS; value++) {
        const answer = await RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: `hosts-${value}` }, () => seam.send(new Put('k1', value)));
        expect(answer).toEqual({ key: 'k1', seq: value });
      }
      // A query after the commands: each command's second run (the defect) was under way by then.
      const item = await RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'hosts-get' }, () => seam.ask(new Get('k1')));
      expect(item).toEqual({ key: 'k1', seq: PUTS, value: PUTS });
      const calls = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alpha.calls WHERE message = 'alpha.put.v1'`);
      expect(calls.rows[0].n).toBe(PUTS);
      const versions = await db.query<{ version: number }>(`SELECT version FROM alpha.items WHERE key = 'k1'`);
      expect(versions.rows[0].version).toBe(PUTS);
    });
  });
});

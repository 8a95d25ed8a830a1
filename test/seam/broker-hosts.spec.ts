import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { brokerTest } from '../support/brokers';
import { BROKERS, deleteQueues } from '../support/cluster';
import { type AppProcess, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * A process that serves several modules over a broker (here the monolith of a probe system,
 * serving alpha and bravo to a module host of charlie) must handle each message once: a
 * non-idempotent command (probe `put` bumps its item's version) sent N times is entered N times.
 * Nest's broker servers subscribe every pattern the process serves; with one server per module
 * (each with its own NATS queue group) a message to alpha was taken by both groups and run twice.
 */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo', 'charlie'].map((name) => ({ name, subscriptions: [] })) };
const PUTS = 8;
const REGISTER = join(__dirname, '..', 'sim', 'register.js');
const HOST = join(__dirname, '..', 'sim', 'probe-host.ts');

const nats = brokerTest('NATS', 4222);
const rabbit = brokerTest('RabbitMQ', 5672);

describe.each([
  ['nats', nats.describe],
  ['amqp', rabbit.describe],
] as const)('a host serving several modules over %s', (transport, describeIt) => {
  describeIt(`over ${transport}`, () => {
    let database: TestDatabase;
    let monolith: AppProcess;
    let charlie: INestApplication;
    let db: Client;
    const namespace = `hosts${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      database = await createTestDatabase();
      const env: Record<string, string> = {
        ...testAuthEnv(),
        DATABASE_URL: database.url,
        SEAMS_NAMESPACE: namespace,
        SIM_SYSTEM: JSON.stringify(SYSTEM),
        SIM_SLOW_MS: '1500',
        SEAMS_LOG_LEVEL: 'warn',
        SEAMS_ALPHA_URL: BROKERS[transport],
        SEAMS_BRAVO_URL: BROKERS[transport],
        SEAMS_CHARLIE_URL: BROKERS[transport],
      };
      monolith = startAppProcess({ ...env, PORT: '0', SEAMS_CHARLIE: 'remote' }, {}, ['-r', REGISTER, HOST]);
      await monolith.waitFor(/probe host of monolith ready/, 60_000);
      charlie = await createApp({
        manifests: probeManifests(SYSTEM, { slowMs: 1500 }),
        role: { kind: 'module', module: 'charlie' },
        env,
        logger: false,
        database: { url: database.url, poolSize: 2 },
      });
      await startApp(charlie, 0, '127.0.0.1');
      db = new Client({ connectionString: database.url });
      await db.connect();
    }, 90_000);

    afterAll(async () => {
      await db?.end();
      await charlie?.close();
      await monolith?.stop();
      if (transport === 'amqp') await deleteQueues(namespace, ['alpha', 'bravo', 'charlie']);
      await database?.drop();
    });

    it(`runs a command sent ${PUTS} times to one of its modules exactly ${PUTS} times`, async () => {
      const seam = charlie.get(Seam);
      const { Put, Get } = probeMessages('alpha');
      for (let value = 1; value <= PUTS; value++) {
        const answer = await RequestContexts.run({ correlationId: `hosts-${value}` }, () => seam.send(new Put('k1', value)));
        expect(answer).toEqual({ key: 'k1', seq: value });
      }
      // A query after the commands: each command's second run (the defect) was under way by then.
      const item = await RequestContexts.run({ correlationId: 'hosts-get' }, () => seam.ask(new Get('k1')));
      expect(item).toEqual({ key: 'k1', seq: PUTS, value: PUTS });
      const calls = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alpha.calls WHERE message = 'alpha.put.v1'`);
      expect(calls.rows[0].n).toBe(PUTS);
      const versions = await db.query<{ version: number }>(`SELECT version FROM alpha.items WHERE key = 'k1'`);
      expect(versions.rows[0].version).toBe(PUTS);
    });
  });
});

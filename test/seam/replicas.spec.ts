import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Metrics } from '@seams/kernel/observability';
import { DomainError } from '@seams/kernel/primitives';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { Client } from 'pg';
import request from 'supertest';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { brokerTest } from '../support/brokers';
import { BROKERS, deleteQueues } from '../support/cluster';
import { startTestDns, type TestDns } from '../support/dns-server';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually } from '../support/test-app';
import { probeManifests, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * Replicas of a module, as pods of one Deployment: each alpha host listens on its own loopback
 * address with the same port (127.0.0.11:P, 127.0.0.12:P), all real processes; the monolith
 * (here, in the test's process) reaches them through one `SEAMS_ALPHA_URL` that lists them or
 * names a host the test's own DNS server resolves to them.
 */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo'].map((name) => ({ name, subscriptions: [] })) };
const REGISTER = join(__dirname, '..', 'sim', 'register.js');
const HOST = join(__dirname, '..', 'sim', 'probe-host.ts');
const A = '127.0.0.11';
const B = '127.0.0.12';
const { Put, Get } = probeMessages('alpha');

interface Replica {
  readonly ip: string;
  readonly http: number;
  process: AppProcess;
}

let database: TestDatabase;
let seamPort: number;
const replicas: Replica[] = [];

const natsTest = brokerTest('NATS', 4222);
const rabbitTest = brokerTest('RabbitMQ', 5672);

async function startReplica(ip: string, url: string, http?: number, extra: Record<string, string> = {}): Promise<Replica> {
  const port = http ?? (await freePort());
  const env = {
    ...testAuthEnv(),
    DATABASE_URL: database.url,
    SIM_SYSTEM: JSON.stringify(SYSTEM),
    SIM_SLOW_MS: '1500',
    SEAMS_LOG_LEVEL: 'warn',
    SEAMS_HOST_MODULE: 'alpha',
    SEAMS_ALPHA_URL: url,
    ...(url.startsWith('tcp:') && { SEAMS_ALPHA_LISTEN: `tcp://${ip}:${seamPort}` }),
    PORT: String(port),
    ...extra,
  };
  const child = startAppProcess(env, {}, ['-r', REGISTER, HOST]);
  await child.waitFor(/probe host of alpha ready/, 60_000);
  return { ip, http: port, process: child };
}

/** `seams_seam_refused_total` for alpha in a scrape: messages its hosts refused while shutting down. */
function refusedCount(scrape: string): number {
  return Number(/^seams_seam_refused_total\{module="alpha"\} (\d+)/m.exec(scrape)?.[1] ?? 0);
}

/** How many `alpha.get.v1` this replica's process has handled (its own metrics). */
async function handled(replica: Replica): Promise<number> {
  const text = (await request(`http://127.0.0.1:${replica.http}`).get('/metrics').timeout(10_000)).text;
  const line = /^seams_seam_call_duration_seconds_count\{module="alpha",message="alpha\.get\.v1",kind="query",mode="remote",side="handle",outcome="ok"\} (\d+)/m.exec(text);
  return Number(line?.[1] ?? 0);
}

async function monolithFor(url: string, extra: Record<string, string> = {}): Promise<INestApplication> {
  const app = await createApp({
    manifests: probeManifests(SYSTEM, { slowMs: 1500 }),
    env: { ...testAuthEnv(), SEAMS_ALPHA: 'remote', SEAMS_ALPHA_URL: url, SEAMS_BREAKER_HALF_OPEN_MS: '200', ...extra },
    logger: false,
    database: { url: database.url, poolSize: 2 },
  });
  await startApp(app, 0, '127.0.0.1');
  return app;
}

const ask = (app: INestApplication, key = 'k1') => RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: `replicas-${key}` }, () => app.get(Seam).ask(new Get(key)));

/** Sends queries until `condition` holds (each one must be answered), at most `ceiling` of them. */
async function askUntil(app: INestApplication, condition: () => Promise<boolean>, ceiling = 400): Promise<void> {
  for (let i = 0; i < ceiling; i++) {
    await expect(ask(app)).resolves.toMatchObject({ key: 'k1' });
    if (await condition()) return;
  }
  throw new Error(`the condition did not hold after ${ceiling} queries`);
}

beforeAll(async () => {
  database = await createTestDatabase();
  seamPort = await freePort();
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.process.stop()));
  await database?.drop();
});

describe('a module address that lists its replicas', () => {
  let monolith: INestApplication;
  const url = () => `tcp://${A}:${seamPort},tcp://${B}:${seamPort}`;

  beforeAll(async () => {
    replicas.push(await startReplica(A, url()), await startReplica(B, url()));
    monolith = await monolithFor(url());
    await RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'replicas-put' }, () => monolith.get(Seam).send(new Put('k1', 5)));
  }, 120_000);

  afterAll(async () => {
    await monolith?.close();
  });

  it('spreads calls over the replicas: each handles its share', async () => {
    const before = await Promise.all(replicas.map(handled));
    for (let i = 0; i < 20; i++) await expect(ask(monolith)).resolves.toEqual({ key: 'k1', seq: 1, value: 5 });
    const shares = (await Promise.all(replicas.map(handled))).map((count, i) => count - before[i]);
    expect(shares[0] + shares[1]).toBe(20);
    expect(Math.abs(shares[0] - shares[1])).toBeLessThanOrEqual(2);
  });

  it('leaves out a replica that was killed (queries go on, answered by the other), and takes it back when it answers again', async () => {
    const [, b] = replicas;
    await b.process.stop('SIGKILL');
    for (let i = 0; i < 20; i++) await expect(ask(monolith)).resolves.toEqual({ key: 'k1', seq: 1, value: 5 });
    const scrape = await monolith.get(Metrics).scrape();
    expect(scrape).toContain(`seams_seam_replica_up{module="alpha",replica="${B}:${seamPort}"} 0`);
    expect(scrape).toContain(`seams_seam_replica_up{module="alpha",replica="${A}:${seamPort}"} 1`);

    b.process = (await startReplica(B, url(), b.http)).process;
    await askUntil(monolith, async () => (await handled(b)) > 0);
    expect(await monolith.get(Metrics).scrape()).toContain(`seams_seam_replica_up{module="alpha",replica="${B}:${seamPort}"} 1`);
  });

  it('takes a command a replica refused while shutting down to the other one: every command succeeds, each handled once', async () => {
    const service = <T>(work: () => Promise<T>) => RequestContexts.run({ principal: { kind: 'service', service: 'test' }, correlationId: 'replicas-drain' }, work);
    const rows = async (sql: string) => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query(sql)).rows as { key: string; n: number }[];
      } finally {
        await client.end();
      }
    };
    // one slow command in each replica (least in flight first), so A has work to finish when it is told to stop
    const slow = ['slow-1', 'slow-2'].map((key) => service(() => monolith.get(Seam).send(new Put(key, 950))));
    await eventually(() => rows(`SELECT key FROM alpha.calls WHERE key LIKE 'slow-%'`), (found) => found.length === 2, 30_000);
    const [a] = replicas;
    const exited = a.process.stop('SIGTERM');
    // A drains: its HTTP port closes at once, its seam refuses new messages until its slow command is done
    await eventually(() => fetch(`http://127.0.0.1:${a.http}/health/ready`).then((response) => response.status, () => 0), (status) => status !== 200, 10_000);
    const refusedBefore = refusedCount(await monolith.get(Metrics).scrape());
    // commands with no idempotency key: before, the one that reached A failed with seam.unavailable
    for (let i = 1; i <= 6; i++) await expect(service(() => monolith.get(Seam).send(new Put('moved', i)))).resolves.toEqual({ key: 'moved', seq: i });
    expect(refusedCount(await monolith.get(Metrics).scrape())).toBeGreaterThan(refusedBefore);
    await expect(Promise.all(slow)).resolves.toEqual([{ key: 'slow-1', seq: 1 }, { key: 'slow-2', seq: 1 }]);
    expect(await exited).toBe(0);
    // each handled once: six calls entered the handler, and the item is at version six
    expect(await rows(`SELECT count(*)::int AS n FROM alpha.calls WHERE key = 'moved'`)).toEqual([{ n: 6 }]);
    a.process = (await startReplica(A, url(), a.http)).process;
  });

  it('answers seam.unavailable, not a crash or a hang, when no replica answers; and serves again once one does', async () => {
    await Promise.all(replicas.map((replica) => replica.process.stop('SIGKILL')));
    const error = await ask(monolith).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('seam.unavailable');
    replicas[0].process = (await startReplica(A, url(), replicas[0].http)).process;
    replicas[1].process = (await startReplica(B, url(), replicas[1].http)).process;
    // Until a replica's ping succeeds (the pings back off up to 10 s), calls fail fast and typed.
    for (let i = 0; ; i++) {
      const answer = await ask(monolith).catch((caught: unknown) => caught);
      if (!(answer instanceof DomainError)) break;
      expect(answer.code).toBe('seam.unavailable');
      if (i > 600) throw new Error('no replica was taken back within 600 polls');
      await new Promise((resolve) => setTimeout(resolve, 50)); // a poll's pace, not an assertion on time
    }
    await expect(ask(monolith)).resolves.toEqual({ key: 'k1', seq: 1, value: 5 });
  });
});

describe('a module address that names a host resolving to its replicas (a headless Service)', () => {
  let dns: TestDns;
  let monolith: INestApplication;
  const name = 'alpha.replicas.seams.test';

  beforeAll(async () => {
    dns = await startTestDns();
    dns.set(name, [A]);
    monolith = await monolithFor(`tcp://${name}:${seamPort}`, { SEAMS_DNS_SERVERS: dns.server, SEAMS_SEAM_RESOLVE_MS: '100' });
  }, 60_000);

  afterAll(async () => {
    await monolith?.close();
    await dns?.close();
  });

  it('sends to the addresses the name resolves to, and to a new replica once the name resolves to it too', async () => {
    const [a, b] = replicas;
    const before = { a: await handled(a), b: await handled(b) };
    for (let i = 0; i < 10; i++) await expect(ask(monolith)).resolves.toEqual({ key: 'k1', seq: 1, value: 5 });
    expect(await handled(a)).toBe(before.a + 10);
    expect(await handled(b)).toBe(before.b);

    dns.set(name, [A, B]);
    await askUntil(monolith, async () => (await handled(b)) > before.b);
    expect(dns.queries(name)).toBeGreaterThan(1);
  });

  it('keeps its replicas when the name stops resolving for a while (a DNS hiccup is not an outage)', async () => {
    const queried = dns.queries(name);
    dns.set(name, []);
    // Once the name was asked again (and answered with nothing), calls still go through.
    await askUntil(monolith, async () => dns.queries(name) > queried + 1);
    for (let i = 0; i < 5; i++) await expect(ask(monolith)).resolves.toEqual({ key: 'k1', seq: 1, value: 5 });
    dns.set(name, [A, B]);
  });
});

describe('a connection older than its maximum age', () => {
  let monolith: INestApplication;

  beforeAll(async () => {
    monolith = await monolithFor(`tcp://${A}:${seamPort}`, { SEAMS_SEAM_CONNECTION_MAX_AGE_MS: '50', SEAMS_SEAM_RESOLVE_MS: '20' });
  }, 60_000);

  afterAll(async () => {
    await monolith?.close();
  });

  it('is replaced by a fresh one once its calls are done, with no call failing', async () => {
    const opened = async () => Number(/^seams_seam_connections_opened_total\{module="alpha"\} (\d+)/m.exec(await monolith.get(Metrics).scrape())?.[1] ?? 0);
    const first = await opened();
    await askUntil(monolith, async () => (await opened()) >= first + 3);
  });
});

/** Over a broker, replicas share a module's messages without a list: a NATS queue group, one RabbitMQ queue. */
describe.each([
  ['nats', natsTest.describe],
  ['amqp', rabbitTest.describe],
] as const)('replicas of a module over %s', (transport, describeIt) => {
  describeIt(`(${transport})`, () => {
    const namespace = `rep${randomBytes(4).toString('hex')}`;
    const hosts: Replica[] = [];
    let monolith: INestApplication;
    const env = { SEAMS_NAMESPACE: namespace, SEAMS_BRAVO_URL: BROKERS[transport] };

    beforeAll(async () => {
      for (const ip of [A, B]) hosts.push(await startReplica(ip, BROKERS[transport], undefined, env));
      monolith = await monolithFor(BROKERS[transport], env);
    }, 120_000);

    afterAll(async () => {
      await monolith?.close();
      await Promise.all(hosts.map((host) => host.process.stop()));
      if (transport === 'amqp') await deleteQueues(namespace, ['alpha', 'bravo']);
    });

    it('shares the calls between the replicas, and goes on with the other when one is killed', async () => {
      for (let i = 0; i < 60; i++) await expect(ask(monolith)).resolves.toEqual({ key: 'k1', seq: 1, value: 5 });
      const shares = await Promise.all(hosts.map(handled));
      expect(shares[0] + shares[1]).toBe(60);
      expect(Math.min(...shares)).toBeGreaterThanOrEqual(12);

      await hosts[1].process.stop('SIGKILL');
      const survivor = await handled(hosts[0]);
      let answered = 0;
      for (let i = 0; i < 20; i++) if (!((await ask(monolith).catch((error: unknown) => error)) instanceof Error)) answered++;
      // A call taken by the killed replica in its last moment may time out; the rest are answered by the survivor.
      expect(answered).toBeGreaterThanOrEqual(18);
      expect((await handled(hosts[0])) - survivor).toBe(answered);
    });
  });
});

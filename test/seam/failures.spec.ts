import request from 'supertest';
import { adminBearer } from '../support/auth';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeMessages, type ProbeSystem } from '../sim/probe-system';
import { eventually } from '../support/test-app';
import { Client } from 'pg';

/**
 * Failures across the seam, as an HTTP caller sees them, on the kernel's probe modules: alpha
 * (in the monolith) has routes that send to bravo, which runs in a module host of its own over
 * TCP. (A module host that lacks an address it needs is refused at start:
 * test/first-hour/start-errors.spec.ts.)
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [] },
  ],
};

describe('when a module host is down', () => {
  let database: TestDatabase;
  let probe: HostedProbe;

  beforeAll(async () => {
    database = await createTestDatabase();
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, { env: { SEAMS_TIMEOUT_MS: '10000' } });
  }, 90_000);

  afterAll(async () => {
    await probe?.close();
    await database?.drop();
  });

  it('answers callers at once with a 503 problem naming the module, and serves again once it is back', async () => {
    const http = () => request(probe.monolith.getHttpServer());
    await http().put('/v1/alpha/forward/bravo/items/down-1').set('authorization', adminBearer()).send({ value: 1 }).expect(200, { key: 'down-1', seq: 1 });
    await probe.host.stop('SIGKILL');

    const started = Date.now();
    const response = await http().put('/v1/alpha/forward/bravo/items/down-1').set('authorization', adminBearer()).send({ value: 2 });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ code: 'seam.unavailable', module: 'bravo', status: 503 });
    expect(response.body.detail).toMatch(/The bravo module is unavailable: .*ECONNREFUSED/);
    // refused connections fail fast: nowhere near the 10 s seam timeout of this monolith
    expect(elapsed).toBeLessThan(5000);

    // what does not need bravo keeps serving
    await http().put('/v1/alpha/items/up-1').set('authorization', adminBearer()).send({ value: 3 }).expect(200);

    await probe.startHost();
    await eventually(
      () => http().put('/v1/alpha/forward/bravo/items/down-1').set('authorization', adminBearer()).send({ value: 4 }).then((answer) => answer.status),
      (status) => status === 200,
      30_000,
    );
    await http().get('/v1/alpha/forward/bravo/items/down-1').set('authorization', adminBearer()).expect(200, { key: 'down-1', seq: 2, value: 4 });
  });
});

describe('a message whose deadline passes', () => {
  let database: TestDatabase;
  let probe: HostedProbe;

  beforeAll(async () => {
    database = await createTestDatabase();
    // bravo's put of a value from 900 up takes slowMs inside its transaction: past the 400 ms deadline
    probe = await startHostedProbe(SYSTEM, 'bravo', database.url, { slowMs: 1000, env: { SEAMS_TIMEOUT_MS: '400' }, hostEnv: { SEAMS_LOG_LEVEL: 'info' } });
  }, 90_000);

  afterAll(async () => {
    await probe?.close();
    await database?.drop();
  });

  it('gives the caller a 504, and the remote side rolls back the work it can no longer deliver', async () => {
    const response = await request(probe.monolith.getHttpServer()).put('/v1/alpha/forward/bravo/items/slow-1').set('authorization', adminBearer()).send({ value: 950 });
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ code: 'seam.timeout', status: 504 });
    // bravo's host ended the put past its deadline: rolled back at commit
    await probe.host.waitForLog({ event: 'seam.handled', message: probeMessages('bravo').Put.wire, outcome: 'seam.timeout' });
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query(`SELECT count(*)::int AS n FROM bravo.calls WHERE key = 'slow-1'`)).rows).toEqual([{ n: 1 }]); // it did run
      expect((await client.query(`SELECT key FROM bravo.items WHERE key = 'slow-1'`)).rows).toEqual([]); // and kept nothing
      expect((await client.query(`SELECT count(*)::int AS n FROM bravo.seams_outbox`)).rows).toEqual([{ n: 0 }]); // nor its event
    } finally {
      await client.end();
    }
  });
});

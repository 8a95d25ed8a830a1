import request from 'supertest';
import { adminBearer } from '../support/auth';
import { type HostedProbe, startHostedProbe } from '../support/probe-pair';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules: alpha (in the monolith) sends bravo's put from an HTTP route; bravo runs in a host of its own over TCP. */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [] },
  ],
};

/** A system with bravo in its host; `send` puts `key` in bravo through alpha's forward route; `own` is a route of alpha alone. */
async function startSystem(env: Record<string, string>): Promise<{ database: TestDatabase; probe: HostedProbe; send(key: string): request.Test; own(): request.Test }> {
  const database = await createTestDatabase();
  const probe = await startHostedProbe(SYSTEM, 'bravo', database.url, { env });
  const http = () => request(probe.monolith.getHttpServer());
  return {
    database,
    probe,
    send: (key) => http().put(`/v1/alpha/forward/bravo/items/${key}`).set('authorization', adminBearer()).send({ value: 1 }),
    own: () => http().put('/v1/alpha/items/own').set('authorization', adminBearer()).send({ value: 1 }),
  };
}

/**
 * A module host that hangs (SIGSTOP: connections open, nothing answers). Callers time out at
 * the deadline, then the circuit opens and they are turned away at once with a 503 and a
 * Retry-After; once the host is back, traffic recovers by itself after the half-open period.
 */
describe('the circuit breaker of a remote module', () => {
  let system: Awaited<ReturnType<typeof startSystem>>;

  beforeAll(async () => {
    // each failed request makes one call to bravo (a command with no idempotency key: no retry), so three are three failures
    system = await startSystem({ SEAMS_TIMEOUT_MS: '600', SEAMS_BRAVO_BREAKER_THRESHOLD: '3', SEAMS_BRAVO_BREAKER_HALF_OPEN_MS: '1500' });
  }, 90_000);

  afterAll(async () => {
    system?.probe.host.child.kill('SIGCONT');
    await system?.probe.close();
    await system?.database.drop();
  });

  it('times out, then fails fast with 503 and Retry-After while open, and recovers on its own', async () => {
    await system.send('cb-1').expect(200);
    system.probe.host.child.kill('SIGSTOP');
    try {
      const timedOut: { status: number; code: string }[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await system.send('cb-1');
        timedOut.push({ status: response.status, code: response.body.code });
      }
      // the seam's deadline each time (its own timeout answer), never a hang
      expect(timedOut).toEqual(Array(3).fill({ status: 504, code: 'seam.timeout' }));
      const response = await system.send('cb-1');
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('2');
      expect(response.body).toMatchObject({ code: 'seam.unavailable', module: 'bravo', retryAfterSeconds: 2 });
      // turned away by the open breaker without a call, so without waiting for the deadline (not seam.timeout)
      expect(response.body.detail).toMatch(/circuit breaker is open/);
      await system.own().expect(200); // what does not need bravo keeps serving
    } finally {
      system.probe.host.child.kill('SIGCONT');
    }
    const recovered = await eventually(
      async () => (await system.send('cb-1')).status,
      (status) => status === 200,
      10_000,
    );
    expect(recovered).toBe(200);
  });
});

/**
 * The host killed while ten clients keep sending: every answer is a 200 or a 503 with
 * Retry-After, within the timeout; once the breaker is open the 503s come at once; after the
 * host is back, requests succeed again within the half-open period, with nobody intervening.
 */
describe('a remote module host killed under load', () => {
  let system: Awaited<ReturnType<typeof startSystem>>;
  const TIMEOUT_MS = 2000;
  const HALF_OPEN_MS = 1000;

  beforeAll(async () => {
    system = await startSystem({
      SEAMS_TIMEOUT_MS: String(TIMEOUT_MS),
      SEAMS_BRAVO_BREAKER_THRESHOLD: '5',
      SEAMS_BRAVO_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
      // ten clients from one address: the per-address rate limit would answer 429 instead
      SEAMS_RATE_LIMIT: '0',
    });
  }, 90_000);

  afterAll(async () => {
    await system?.probe.close();
    await system?.database.drop();
  });

  it('answers every request in time, fails fast once open, and recovers by itself', async () => {
    // Where the test is when a request starts and when its answer comes.
    type Stage = 'up' | 'killed' | 'restarted' | 'recovered';
    type Outcome = { status: number; retryAfter?: string; detail?: string; startedIn: Stage; endedIn: Stage };
    let stage: Stage = 'up';
    const outcomes: Outcome[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        const startedIn = stage;
        const response = await system.send('load-1');
        outcomes.push({ status: response.status, retryAfter: response.headers['retry-after'], detail: response.body.detail, startedIn, endedIn: stage });
      }
    };
    const clients = Array.from({ length: 10 }, client);
    const observed = (count: number, which: (outcome: Outcome) => boolean) =>
      eventually(async () => outcomes.filter(which).length, (n) => n >= count, 20_000);
    const fastFail = (o: Outcome) => o.status === 503 && /circuit breaker is open/.test(o.detail ?? '');

    try {
      await observed(20, (o) => o.status === 200);
      stage = 'killed';
      await system.probe.host.stop('SIGKILL');
      await observed(1, (o) => o.startedIn === 'killed' && fastFail(o));
      // a route that does not need bravo keeps answering under the same load
      await system.own().expect(200);
      stage = 'restarted';
      await system.probe.startHost();
      await observed(1, (o) => o.startedIn === 'restarted' && o.status === 200);
      stage = 'recovered';
      await observed(20, (o) => o.startedIn === 'recovered');
    } finally {
      running = false;
      await Promise.all(clients);
    }

    // anything but 200 or 503 (a 504 would be a call that waited for its deadline) shows whole
    // (with its problem detail) when this fails, with the error lines of the bravo host
    // (a 500 from there says "the log of that process has the details")
    const unexpected = outcomes.filter((outcome) => outcome.status !== 200 && outcome.status !== 503);
    const hostErrors = unexpected.length === 0 ? [] : system.probe.host.logs().filter((line) => Number(line.level) >= 50);
    expect({ unexpected, hostErrors }).toEqual({ unexpected: [], hostErrors: [] });
    for (const outcome of outcomes) {
      if (outcome.status === 503) expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    const before = outcomes.filter((o) => o.endedIn === 'up');
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((o) => o.status === 200)).toBe(true);
    // once the breaker is open, callers are turned away without a call (no deadline to wait for)
    expect(outcomes.filter((o) => o.startedIn === 'killed' && fastFail(o)).length).toBeGreaterThan(0);
    // once one request has got through again (the half-open trial), the breaker is closed for all
    const after = outcomes.filter((o) => o.startedIn === 'recovered');
    expect(after.length).toBeGreaterThanOrEqual(20);
    expect(after.filter((o) => o.status !== 200)).toEqual([]);
  });
});

import type { Cluster } from '../support/cluster';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { expectProbeLedger, startProbeFaultCluster, steadyPuts } from '../support/probe-ledger';
import { eventually } from '../support/test-app';

/**
 * A fault proxy of the test's own between the monolith and a module host (TCP seam), on the
 * kernel's probe modules (probe-ledger.ts: alpha's route sends bravo's put, bravo's change comes
 * back as an event): the link is blackholed, slowed down and reset, also in the middle of a
 * frame. Callers get the seam's typed answers (504 at the deadline, 503 while the breaker is
 * open), latency under the deadline only makes calls slower, and a cut frame never applies a
 * command twice nor loses its event: the tables add up afterwards. (The shop's placement
 * recovery through such a link: test/faults/placement-recovery.spec.ts.)
 */
const TIMEOUT_MS = 1000;
const HALF_OPEN_MS = 1000;

describe('a faulty link between the monolith and a module host', () => {
  let proxy: FaultProxy;
  let cluster: Cluster;
  let hostPort: number | undefined;
  /** A put of bravo's `key` through alpha's route (answered 200 with its seq). */
  const put = (key: string) => cluster.http('alpha').put(`/v1/alpha/forward/bravo/items/${key}`).send({ value: 1 }).timeout(4 * TIMEOUT_MS);
  const breakerState = async () => {
    const text = (await cluster.http('alpha').get('/metrics').expect(200)).text;
    return Number(/^seams_circuit_breaker_state\{module="bravo"\} (\d+)$/m.exec(text)?.[1]);
  };

  beforeAll(async () => {
    proxy = await startFaultProxy(() => hostPort);
    cluster = await startProbeFaultCluster({
      timeoutMs: TIMEOUT_MS,
      cluster: {
        monolithUrlOf: (_module, url) => {
          hostPort = Number(new URL(url).port);
          return proxy.url('tcp');
        },
      },
      env: {
        SEAMS_BRAVO_BREAKER_THRESHOLD: '3',
        SEAMS_BRAVO_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
        SEAMS_RELAY_MAX_BACKOFF_MS: '500',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await proxy?.close();
  });

  afterEach(() => proxy.pass());

  it('answers 504 at the deadline while the link is blackholed, then opens the breaker (503 at once), and recovers once bytes flow', async () => {
    await put('fp-1').expect(200);
    expect(await breakerState()).toBe(0);
    proxy.blackhole();
    // Each failed put is one call (a command with no idempotency key is not retried), so the
    // breaker opens after three: until then each waits for its deadline.
    const answers: { status: number; code: string; ms: number }[] = [];
    while (answers.length < 4 && answers.at(-1)?.status !== 503) {
      const started = Date.now();
      const response = await put('fp-1');
      answers.push({ status: response.status, code: response.body.code, ms: Date.now() - started });
    }
    const timedOut = answers.slice(0, -1);
    expect(timedOut.length).toBeGreaterThanOrEqual(1);
    expect(timedOut.map(({ status, code }) => ({ status, code }))).toEqual(timedOut.map(() => ({ status: 504, code: 'seam.timeout' })));
    for (const { ms } of timedOut) expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50); // waited for the deadline, not for an error
    expect(proxy.stats.dropped.up).toBeGreaterThan(0);
    expect(await breakerState()).toBe(1);
    const refused = await put('fp-1');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe(String(HALF_OPEN_MS / 1000));
    expect(refused.body).toMatchObject({ code: 'seam.unavailable', module: 'bravo' });
    expect(refused.body.detail).toMatch(/circuit breaker is open/);

    proxy.pass();
    const recovered = await eventually(async () => (await put('fp-1')).status, (status) => status === 200, 15_000);
    expect(recovered).toBe(200);
    expect(await breakerState()).toBe(0);
  });

  it('replaces a connection that went silent (no reset, no close): the next calls get through on a new one', async () => {
    await put('fp-2').expect(200);
    const accepted = proxy.stats.accepted;
    // The connection that carries the next put swallows every byte after it, as a flow
    // dropped by a firewall or a NAT would; a new connection would get through.
    const stalled = proxy.stallAfter({ direction: 'up', matching: /bravo\.put\.v1/ });
    const first = await put('fp-2');
    await stalled;
    expect({ status: first.status, code: first.body.code }).toEqual({ status: 504, code: 'seam.timeout' });
    const recovered = await eventually(async () => (await put('fp-2')).status, (status) => status === 200, 15_000);
    expect(recovered).toBe(200);
    expect(proxy.stats.accepted).toBeGreaterThan(accepted);
  });

  it('honours latency below the deadline end to end (slower, still 200) and answers 504 when it is above', async () => {
    const latency = TIMEOUT_MS / 5;
    proxy.delay(latency);
    const started = Date.now();
    const slow = await put('fp-3');
    expect(slow.status).toBe(200);
    // at least one round trip through the proxy, each way delayed (a floor, not a speed claim)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * latency);
    await cluster.http('alpha').get('/v1/alpha/forward/bravo/items/fp-3').timeout(4 * TIMEOUT_MS).expect(200, { key: 'fp-3', seq: slow.body.seq, value: 1 });

    proxy.delay(TIMEOUT_MS + 200);
    const late = await put('fp-3');
    expect({ status: late.status, code: late.body.code }).toEqual({ status: 504, code: 'seam.timeout' });
    proxy.pass();
    expect(await eventually(async () => (await put('fp-3')).status, (status) => status === 200, 15_000)).toBe(200);
  });

  it('never applies a command twice nor loses its event when connections are reset, also in the middle of a frame', async () => {
    type Phase = 'steady' | 'resets' | 'after';
    let phase: Phase = 'steady';
    const load = steadyPuts(cluster, 'fp-resets', { senders: 3, limitMs: 4 * TIMEOUT_MS, phase: () => phase });
    try {
      await load.seen(10, (a) => a.status === 200);
      phase = 'resets';
      // Requests cut after a few bytes of their frame, replies cut after a few bytes of theirs
      // (the command ran, its answer is lost), and whole connections reset at once.
      for (let round = 0; round < 4; round++) {
        const accepted = load.answers.filter((a) => a.status === 200).length;
        expect(await proxy.resetMidFrame({ direction: 'up', afterBytes: 7 })).toBe(7);
        expect(await proxy.resetMidFrame({ direction: 'down', afterBytes: 7 })).toBe(7);
        proxy.cut();
        proxy.pass();
        // traffic flows again before the next round: a new put got through
        await load.seen(accepted + 1, (a) => a.status === 200);
      }
      phase = 'after';
      await load.seen(10, (a) => a.startedIn === 'after' && a.status === 200);
    } finally {
      await load.stop();
    }

    // Every answer is a 200, or the seam's typed answer (503 unreachable, 504 deadline); never a 500 or a hang.
    const unexpected = load.answers.filter((a) => a.status !== 200 && !(a.endedIn !== 'steady' && (a.status === 503 || a.status === 504)));
    expect(unexpected).toEqual([]);
    // Once a put got through after the last reset (the breaker may have opened on the
    // resets and needs its half-open trial), every later one does.
    const back = load.answers.find((a) => a.startedIn === 'after' && a.status === 200)!;
    expect(load.answers.filter((a) => a.at > back.at + back.ms && a.status !== 200)).toEqual([]);
    await expectProbeLedger(cluster.database.url, 'fp-resets', load.answers);
  }, 120_000);
});

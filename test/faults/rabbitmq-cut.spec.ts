import { brokerTest } from '../support/brokers';
import type { Cluster } from '../support/cluster';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { expectProbeLedger, startProbeFaultCluster, steadyPuts } from '../support/probe-ledger';
import { expectFastRefusalsAround } from '../support/steady-load';
import { eventually } from '../support/test-app';

/**
 * Every process reaches RabbitMQ through a fault proxy of the test's own; under a steady load
 * of commands (the kernel's probe module bravo served over RabbitMQ, see probe-ledger.ts) the proxy resets every AMQP connection and
 * refuses new ones for a while, then lets them through again. The shared RabbitMQ is never
 * stopped. During the cut callers get fast 503s (never a 500, never a hang); afterwards every
 * process is back on the broker by itself and the tables add up.
 */
const CUT_MS = 8000;
const TIMEOUT_MS = 2000;
const KEY = 'amqp-1';

const rabbit = brokerTest('RabbitMQ', 5672);

rabbit.describe('the connections to RabbitMQ are cut under load and come back', () => {
  let proxy: FaultProxy;
  let cluster: Cluster;

  beforeAll(async () => {
    proxy = await startFaultProxy(() => 5672);
    cluster = await startProbeFaultCluster({ timeoutMs: TIMEOUT_MS, cluster: { transport: 'amqp', broker: proxy.url('amqp', 'guest:guest') } });
  }, 60_000);

  afterAll(async () => {
    proxy?.pass();
    await cluster?.close();
    await proxy?.close();
  });

  it('answers 503 at once during the cut, recovers without a restart, and loses or doubles nothing', async () => {
    type Phase = 'before' | 'cut' | 'after';
    let phase: Phase = 'before';
    let brokeAt: number | undefined;
    const load = steadyPuts(cluster, KEY, { senders: 3, limitMs: 3 * TIMEOUT_MS, phase: () => phase });
    try {
      await load.seen(20, (a) => a.status === 200);
      // The module host publishes a reply (to the caller's direct reply-to queue), and its
      // connection stalls right after: the broker's confirm of that reply never reaches it,
      // nor does the next request, which stays in flight at the caller.
      await proxy.stallAfter({ direction: 'up', matching: /amq\.rabbitmq\.reply-to\./ });
      await eventually(async () => proxy.stats.dropped.down, (bytes) => bytes > 200);
      phase = 'cut';
      brokeAt = Date.now();
      const resets = proxy.stats.resets;
      proxy.cut();
      expect(proxy.stats.resets).toBeGreaterThan(resets);
      await load.seen(10, (a) => a.startedIn === 'cut' && a.status === 503);
      // The host lost a reply it had sent and not yet seen confirmed: it carries on.
      expect(cluster.host('bravo').child.exitCode).toBeNull();
      // The cut lasts its time (the scenario, not an assertion on time).
      await new Promise((resolve) => setTimeout(resolve, CUT_MS));
      proxy.pass();
      phase = 'after';
      await load.seen(20, (a) => a.startedIn === 'after' && a.status === 200, 30_000);
    } finally {
      await load.stop();
    }

    // Before: all 200. After: 200 or a 503 at once, also for the calls that were in flight
    // when the broker went (they fail when the connection is lost, not at their deadline).
    // A problem names the broker, never its credentials.
    expect(load.answers.filter((a) => a.detail?.includes('guest'))).toEqual([]);
    expect(load.answers.filter((a) => a.detail?.includes(`127.0.0.1:${proxy.port}`)).length).toBeGreaterThan(0);
    expectFastRefusalsAround(load.answers, brokeAt!, 'cut', TIMEOUT_MS, 200);
    await expectProbeLedger(cluster.database.url, KEY, load.answers);
  }, 120_000);
});

import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagingModule } from '@seams/kernel/messaging';
import { DatabaseModule, DatabaseRegistry, type ModuleDatabase } from '@seams/kernel/persistence';
import { MessageRegistry, SeamModule, serverOptions } from '@seams/kernel/seam';
import { BenchPubModule, BenchSubModule, eventsManifests, handled, nowMicros, Ticked } from './events-probe';
import { median, quantile, type Sample } from './measure';
import { freePort, type PgServer, type Profile } from './support';
import { messagingOptionsFrom, seamOptionsFor, topologyFrom } from '../src/host/config';

/**
 * Scenario 4, events: the outbox relay, in process and with the subscriber in another process
 * over TCP. Two figures: events a second from the first commit to the last event handled,
 * publishers as fast as they can (8 publishers, 10 events per transaction); and the
 * commit-to-handled latency while events are published at a steady rate. The subscriber
 * writes its effect and its inbox record in one transaction, as real ones do. Relay settings
 * are the defaults but a 200 ms polling fallback (LISTEN/NOTIFY wakes it on every commit).
 *
 * The target rate is 5,000 a second; latency is measured there (in process) and at 1,000 a
 * second, a rate both setups keep up with (above what the relay keeps up with, the figure is
 * the growing backlog, not the relay's latency).
 */
const registry = new MessageRegistry(eventsManifests);
const RELAY_ENV = { SEAMS_RELAY_POLL_MS: '200' };
const PACED_SECONDS = 2;

async function context(url: string, env: Record<string, string>, role: 'all' | 'pub' | 'sub'): Promise<INestApplicationContext> {
  const topology = topologyFrom(
    registry,
    role === 'sub' ? { kind: 'module', module: 'benchsub' } : { kind: 'monolith' },
    { ...RELAY_ENV, ...env },
  );
  const modules = role === 'all' ? [BenchPubModule, BenchSubModule] : role === 'pub' ? [BenchPubModule] : [BenchSubModule];
  @Module({
    imports: [
      SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, { ...RELAY_ENV, ...env }) }),
      DatabaseModule.forRoot({ url, poolSize: 10 }),
      MessagingModule.forRoot(messagingOptionsFrom({ ...RELAY_ENV, ...env })),
      ...modules,
    ],
  })
  class EventsBench {}
  if (role === 'sub') {
    const app = await NestFactory.create(EventsBench, { logger: false });
    app.connectMicroservice(serverOptions('benchsub', env.SEAMS_BENCHSUB_URL));
    await app.init(); // handlers registered before the listener opens (as startApp does)
    await app.startAllMicroservices();
    return app;
  }
  const app = await NestFactory.createApplicationContext(EventsBench, { logger: false });
  await app.init();
  return app;
}

let sequence = 0;

/** Publishes `count` events (each of its own aggregate) in transactions of 10, `publishers` at a time. */
async function publish(database: ModuleDatabase, count: number, publishers = 8): Promise<void> {
  let left = count;
  const worker = async () => {
    while (left > 0) {
      const n = Math.min(10, left);
      left -= n;
      await database.transaction(async (tx) => {
        for (let i = 0; i < n; i++) tx.publish(new Ticked(`k-${sequence++}`, nowMicros()));
      });
    }
  };
  await Promise.all(Array.from({ length: publishers }, worker));
}

interface Subscriber {
  count(): number;
  latencies(): Promise<number[]>;
  reset(): void;
  close(): Promise<void>;
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('events benchmark: events were not all handled in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface PacedLatency {
  /** Events published a second. */
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface EventsResult {
  readonly throughput: Sample;
  readonly paced: readonly PacedLatency[];
}

/** Events published flat out per run: enough for a few seconds of work in each setup. */
const FLAT_OUT = { inProcess: 10_000, acrossTcp: 5_000, smoke: 500 };

async function measure(
  database: ModuleDatabase,
  subscriber: Subscriber,
  profile: Profile,
  rates: readonly number[],
  flatOut: number,
): Promise<EventsResult> {
  const total = profile.smoke ? FLAT_OUT.smoke : flatOut;
  const seconds = profile.smoke ? 0.5 : PACED_SECONDS;
  const flatOutRates: number[] = [];
  const latencies = new Map<number, { p50: number[]; p99: number[] }>(rates.map((rate) => [rate, { p50: [], p99: [] }]));
  for (let run = 0; run <= profile.runs; run++) {
    // throughput: publishers flat out; from the first commit to the last event handled
    subscriber.reset();
    const started = performance.now();
    await publish(database, total);
    await waitFor(() => subscriber.count() >= total);
    const rate = total / ((performance.now() - started) / 1000);
    if (run > 0) flatOutRates.push(rate); // the first round warms up

    // latency at a steady rate: rate / 100 events every 10 ms
    for (const paced of rates) {
      subscriber.reset();
      const ticks = Math.round(seconds * 100);
      const perTick = paced / 100;
      for (let tick = 0; tick < ticks; tick++) {
        const due = performance.now() + 10;
        void publish(database, perTick, 5);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      }
      await waitFor(() => subscriber.count() >= ticks * perTick);
      const sorted = (await subscriber.latencies()).sort((a, b) => a - b);
      if (run === 0) continue;
      latencies.get(paced)!.p50.push(quantile(sorted, 0.5) / 1000);
      latencies.get(paced)!.p99.push(quantile(sorted, 0.99) / 1000);
    }
  }
  return {
    throughput: { opsPerSecond: median(flatOutRates) },
    paced: rates.map((rate) => ({ rate, p50Ms: median(latencies.get(rate)!.p50), p99Ms: median(latencies.get(rate)!.p99) })),
  };
}

export interface EventsScenarioResult {
  readonly inProcess: EventsResult;
  readonly acrossTcp: EventsResult;
}

export async function events(profile: Profile, server: PgServer): Promise<EventsScenarioResult> {
  const inProcessDb = await server.createDatabase('events');
  const acrossTcpDb = await server.createDatabase('events_tcp');
  try {
    return {
      inProcess: await eventsInProcess(inProcessDb.url, profile),
      acrossTcp: await eventsAcrossTcp(acrossTcpDb.url, await freePort(), profile),
    };
  } finally {
    await inProcessDb.drop().catch(() => undefined);
    await acrossTcpDb.drop().catch(() => undefined);
  }
}

/** In process; `env` may override relay settings (the suite runs the defaults; profiling runs try others). */
export async function eventsInProcess(url: string, profile: Profile, env: Record<string, string> = {}): Promise<EventsResult> {
  const app = await context(url, env, 'all');
  try {
    const database = app.get(DatabaseRegistry).all().find((d) => d.module === 'benchpub')!;
    return await measure(database, {
      count: () => handled.length,
      latencies: async () => [...handled],
      reset: () => (handled.length = 0),
      close: async () => undefined,
    }, profile, [1000, 5000], FLAT_OUT.inProcess);
  } finally {
    await app.close();
  }
}

/** Messages between this process and the subscriber process; counts carry the round they belong to. */
type FromSubscriber = { ready: true } | { handled: number; round: number } | { latencies: number[] };
type ToSubscriber = { reset: number } | 'latencies';

async function eventsAcrossTcp(url: string, port: number, profile: Profile): Promise<EventsResult> {
  const env = { SEAMS_BENCHSUB: 'remote', SEAMS_BENCHSUB_URL: `tcp://127.0.0.1:${port}` };
  const child: ChildProcess = fork(__filename, ['serve-subscriber', url, String(port)], { stdio: 'inherit' });
  let round = 0;
  let count = 0;
  let latencies: ((list: number[]) => void) | undefined;
  child.on('message', (message: FromSubscriber) => {
    // A count sent before the subscriber saw the latest reset belongs to the round before.
    if ('handled' in message && message.round === round) count = message.handled;
    if ('latencies' in message) latencies?.(message.latencies);
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`subscriber process exited with ${code}`)));
  });
  const send = (message: ToSubscriber) => child.send(message);
  const app = await context(url, env, 'pub');
  try {
    const database = app.get(DatabaseRegistry).all().find((d) => d.module === 'benchpub')!;
    return await measure(
      database,
      {
        count: () => count,
        latencies: () =>
          new Promise((resolve) => {
            latencies = resolve;
            send('latencies');
          }),
        reset: () => {
          count = 0;
          send({ reset: ++round });
        },
        close: async () => undefined,
      },
      profile,
      [1000],
      FLAT_OUT.acrossTcp,
    );
  } finally {
    await app.close();
    child.kill('SIGTERM');
  }
}

async function serveSubscriber(url: string, port: number): Promise<void> {
  const app = await context(url, { SEAMS_BENCHSUB_URL: `tcp://127.0.0.1:${port}` }, 'sub');
  const send = (message: FromSubscriber) => process.send?.(message);
  let round = 0;
  let reported = -1;
  process.on('message', (message: ToSubscriber) => {
    if (message === 'latencies') send({ latencies: handled });
    else {
      handled.length = 0;
      round = message.reset;
      reported = -1;
    }
  });
  // The count goes to the parent every few milliseconds, not once per event (IPC costs CPU too).
  setInterval(() => {
    if (handled.length !== reported) send({ handled: (reported = handled.length), round });
  }, 5).unref();
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  send({ ready: true });
}

if (process.argv[2] === 'serve-subscriber') {
  serveSubscriber(process.argv[3], Number(process.argv[4])).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

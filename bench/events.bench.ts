import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagingModule } from '../src/kernel/messaging';
import { DatabaseModule, DatabaseRegistry, type ModuleDatabase } from '../src/kernel/persistence';
import { MessageRegistry, SeamModule, serverOptions, Topology } from '../src/kernel/seam';
import { BenchPubModule, BenchSubModule, eventsManifests, handled, nowMicros, Ticked } from './events-probe';
import { median, type Sample } from './measure';

/**
 * The outbox relay: events a second from commit to handled (publishers as fast as they can),
 * and commit-to-handled latency while events are published at a steady PACED_RATE a second. The
 * subscriber writes its effect and its inbox record in one transaction, as real ones do.
 * In process, and with the subscriber in another process over TCP.
 */
const TOTAL = 5000;
// The target rate is 5,000 a second, but latency is only meaningful at a rate the relay keeps
// up with (above it, the figure is the growing backlog): see bench/RESULTS.md.
const PACED_RATE = 1000;
const PACED_SECONDS = 2;
const registry = new MessageRegistry(eventsManifests);
const RELAY_ENV = { SEAMS_RELAY_POLL_MS: '200' };

async function context(url: string, env: Record<string, string>, role: 'all' | 'pub' | 'sub'): Promise<INestApplicationContext> {
  const topology = Topology.fromEnvironment(
    registry,
    role === 'sub' ? { kind: 'module', module: 'benchsub' } : { kind: 'monolith' },
    { ...RELAY_ENV, ...env },
  );
  const modules = role === 'all' ? [BenchPubModule, BenchSubModule] : role === 'pub' ? [BenchPubModule] : [BenchSubModule];
  @Module({
    imports: [
      SeamModule.forRoot({ registry, topology, env: { ...RELAY_ENV, ...env } }),
      DatabaseModule.forRoot({ url, poolSize: 10 }),
      MessagingModule.forRoot({ ...RELAY_ENV, ...env }),
      ...modules,
    ],
  })
  class EventsBench {}
  if (role === 'sub') {
    const app = await NestFactory.create(EventsBench, { logger: false });
    app.connectMicroservice(serverOptions('benchsub', env.SEAMS_BENCHSUB_URL));
    await app.startAllMicroservices();
    await app.init();
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

export interface EventsResult {
  readonly throughput: Sample;
  readonly paced: { readonly rate: number; readonly p50Ms: number; readonly p99Ms: number };
}

async function measure(database: ModuleDatabase, subscriber: Subscriber): Promise<EventsResult> {
  const rates: number[] = [];
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let run = 0; run <= 5; run++) {
    // throughput: publishers flat out; from the first commit to the last event handled
    subscriber.reset();
    const started = performance.now();
    await publish(database, TOTAL);
    await waitFor(() => subscriber.count() >= TOTAL);
    const rate = TOTAL / ((performance.now() - started) / 1000);

    // latency at a steady rate: 50 events every 10 ms
    subscriber.reset();
    const ticks = PACED_SECONDS * 100;
    for (let tick = 0; tick < ticks; tick++) {
      const due = performance.now() + 10;
      void publish(database, PACED_RATE / 100, 5);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    await waitFor(() => subscriber.count() >= ticks * (PACED_RATE / 100));
    const latencies = (await subscriber.latencies()).sort((a, b) => a - b);
    if (run === 0) continue; // warm-up
    rates.push(rate);
    p50s.push(latencies[Math.floor(latencies.length * 0.5)] / 1000);
    p99s.push(latencies[Math.floor(latencies.length * 0.99)] / 1000);
  }
  return { throughput: { opsPerSecond: median(rates) }, paced: { rate: PACED_RATE, p50Ms: median(p50s), p99Ms: median(p99s) } };
}

export async function eventsInProcess(url: string): Promise<EventsResult> {
  const app = await context(url, {}, 'all');
  try {
    const database = app.get(DatabaseRegistry).all().find((d) => d.module === 'benchpub')!;
    return await measure(database, {
      count: () => handled.length,
      latencies: async () => [...handled],
      reset: () => (handled.length = 0),
      close: async () => undefined,
    });
  } finally {
    await app.close();
  }
}

export async function eventsAcrossTcp(url: string, port: number): Promise<EventsResult> {
  const env = { SEAMS_BENCHSUB: 'remote', SEAMS_BENCHSUB_URL: `tcp://127.0.0.1:${port}` };
  const child: ChildProcess = fork(__filename, ['serve-subscriber', url, String(port)], { stdio: 'inherit' });
  let count = 0;
  let latencies: ((list: number[]) => void) | undefined;
  child.on('message', (message: { ready?: boolean; handled?: number; latencies?: number[] }) => {
    if (message.handled !== undefined) count = message.handled;
    if (message.latencies) latencies?.(message.latencies);
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`subscriber process exited with ${code}`)));
  });
  const app = await context(url, env, 'pub');
  try {
    const database = app.get(DatabaseRegistry).all().find((d) => d.module === 'benchpub')!;
    return await measure(database, {
      count: () => count,
      latencies: () =>
        new Promise((resolve) => {
          latencies = resolve;
          child.send('latencies');
        }),
      reset: () => {
        count = 0;
        child.send('reset');
      },
      close: async () => undefined,
    });
  } finally {
    await app.close();
    child.kill('SIGTERM');
  }
}

async function serveSubscriber(url: string, port: number): Promise<void> {
  const app = await context(url, { SEAMS_BENCHSUB_URL: `tcp://127.0.0.1:${port}` }, 'sub');
  process.on('message', (message) => {
    if (message === 'reset') handled.length = 0;
    if (message === 'latencies') process.send?.({ latencies: handled });
  });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.send?.({ ready: true });
}

if (process.argv[2] === 'serve-subscriber') {
  serveSubscriber(process.argv[3], Number(process.argv[4])).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

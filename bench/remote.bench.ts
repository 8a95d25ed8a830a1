import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { ServiceBroker } from 'moleculer';
import { firstValueFrom } from 'rxjs';
import { MessageRegistry, Seam, SeamModule, serverOptions } from '@seams/kernel/seam';
import { compare, concurrent, type Sample, sequential } from './measure';
import { ACTION, addBenchService, moleculerBroker, natsTransporter, tcpTransporter } from './moleculer';
import { BenchModule, benchManifest, Ping, type PingReply, RawPingController, rawNatsController, Reserve, SAMPLE } from './probe';
import { freePort, NATS_URL, natsAvailable, type Profile } from './support';
import { seamOptionsFor, topologyFrom } from '../src/host/config';
import { RequestContexts } from '@seams/kernel/context';

/**
 * Scenario 2, remote call: one seam command to another process, against the raw
 * `@nestjs/microservices` ClientProxy to the same server process (on TCP, to a plain Nest TCP
 * server of its own in that process, so the seam's socket class does not speed it up) and Moleculer's transporter
 * between two brokers; over TCP and over NATS (the local nats-server), one call at a time and
 * with 100 in flight. The Nest server and the Moleculer server are processes of their own,
 * started once; the clients all live in this process and are measured in turn.
 */
const IN_FLIGHT = 100;
const registry = new MessageRegistry([benchManifest]);

export type TcpSubject =
  | 'rawSequential'
  | 'seamSequential'
  | 'moleculerSequential'
  | 'raw100'
  | 'rawObject100'
  | 'seam100'
  | 'seamQuery100'
  | 'moleculer100';
export type NatsSubject = 'rawSequential' | 'seamSequential' | 'moleculerSequential' | 'raw100' | 'seam100' | 'moleculer100';

export interface RemoteResult {
  readonly tcp: Record<TcpSubject, Sample>;
  readonly nats?: Record<NatsSubject, Sample>;
}

interface ServerSettings {
  readonly transport: 'tcp' | 'nats';
  readonly namespace: string;
  readonly nestPort: number;
  /** TCP: the plain Nest server (Nest's own JsonSocket) the raw client talks to. */
  readonly rawPort: number;
  readonly moleculerServerPort: number;
  readonly moleculerClientPort: number;
}

interface Opened {
  close(): Promise<unknown>;
}

export async function remote(profile: Profile): Promise<RemoteResult> {
  const nats = await natsAvailable();
  const counts = { seq: profile.smoke ? 200 : 3000, total: profile.smoke ? 1000 : 20_000 };
  const tcp = await withServers('tcp', (settings, opened) => tcpRound(settings, opened, profile, counts));
  if (!nats) return { tcp };
  return { tcp, nats: await withServers('nats', (settings, opened) => natsRound(settings, opened, profile, counts)) };
}

/**
 * Starts the Nest server process and the Moleculer server process of one transport, runs
 * `work`, then closes what it opened and stops them. Each transport has server processes of
 * its own: a Nest process serving TCP and NATS at once is slower on TCP (a NATS connection in
 * the same process costs the TCP server about a third of its throughput at 100 in flight).
 */
async function withServers<T>(transport: 'tcp' | 'nats', work: (settings: ServerSettings, opened: Opened[]) => Promise<T>): Promise<T> {
  const settings: ServerSettings = {
    transport,
    namespace: `bench${randomBytes(3).toString('hex')}`,
    nestPort: await freePort(),
    rawPort: await freePort(),
    moleculerServerPort: await freePort(),
    moleculerClientPort: await freePort(),
  };
  const argument = JSON.stringify(settings);
  const servers = [fork(__filename, ['serve-nest', argument], { stdio: 'inherit' }), fork(__filename, ['serve-moleculer', argument], { stdio: 'inherit' })];
  const opened: Opened[] = [];
  try {
    await Promise.all(servers.map(ready));
    return await work(settings, opened);
  } finally {
    for (const resource of opened.reverse()) await resource.close().catch(() => undefined);
    await Promise.all(servers.map(stop));
  }
}

async function tcpRound(settings: ServerSettings, opened: Opened[], profile: Profile, counts: { seq: number; total: number }) {
  const { orderId, lines } = SAMPLE;
  const app = await seamClient(`tcp://127.0.0.1:${settings.nestPort}`, settings.namespace);
  opened.push(app);
  const raw = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: settings.rawPort } });
  await raw.connect();
  opened.push({ close: async () => raw.close() });
  const broker = moleculerBroker(
    'bench-client',
    tcpTransporter(settings.moleculerClientPort, [`127.0.0.1:${settings.moleculerServerPort}/bench-server`]),
  );
  opened.push(await started(broker));
  const seam = app.get(Seam);
  const rawCall = () => firstValueFrom(raw.send<PingReply>('raw.ping', { orderId, lines }));
  // The same handler under an object pattern, which the Nest TCP server routes without a failed JSON.parse.
  const rawObjectCall = () => firstValueFrom(raw.send<PingReply>({ raw: 'ping' }, { orderId, lines }));
  // As a service: work that acts for nobody is refused.
  const seamCall = () => RequestContexts.runAsService('bench', () => seam.send(new Reserve(orderId, lines)));
  const seamQuery = () => RequestContexts.runAsService('bench', () => seam.ask(new Ping(orderId, lines)));
  const moleculerCall = () => broker.call<PingReply, PingReply>(ACTION, { orderId, lines });
  return compare<TcpSubject>(
    {
      rawSequential: () => sequential(rawCall, counts.seq),
      seamSequential: () => sequential(seamCall, counts.seq),
      moleculerSequential: () => sequential(moleculerCall, counts.seq),
      raw100: () => concurrent(rawCall, counts.total, IN_FLIGHT),
      rawObject100: () => concurrent(rawObjectCall, counts.total, IN_FLIGHT),
      seam100: () => concurrent(seamCall, counts.total, IN_FLIGHT),
      seamQuery100: () => concurrent(seamQuery, counts.total, IN_FLIGHT),
      moleculer100: () => concurrent(moleculerCall, counts.total, IN_FLIGHT),
    },
    profile.runs,
  );
}

async function natsRound(settings: ServerSettings, opened: Opened[], profile: Profile, counts: { seq: number; total: number }) {
  const { orderId, lines } = SAMPLE;
  const app = await seamClient(NATS_URL, settings.namespace);
  opened.push(app);
  const raw: ClientProxy = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
  await raw.connect();
  opened.push({ close: async () => raw.close() });
  const broker = moleculerBroker('bench-client', natsTransporter(NATS_URL), settings.namespace);
  opened.push(await started(broker));
  const seam = app.get(Seam);
  const rawCall = () => firstValueFrom(raw.send<PingReply>(rawSubject(settings.namespace), { orderId, lines }));
  // As a service: work that acts for nobody is refused.
  const seamCall = () => RequestContexts.runAsService('bench', () => seam.send(new Reserve(orderId, lines)));
  const moleculerCall = () => broker.call<PingReply, PingReply>(ACTION, { orderId, lines });
  return compare<NatsSubject>(
    {
      rawSequential: () => sequential(rawCall, counts.seq),
      seamSequential: () => sequential(seamCall, counts.seq),
      moleculerSequential: () => sequential(moleculerCall, counts.seq),
      raw100: () => concurrent(rawCall, counts.total, IN_FLIGHT),
      seam100: () => concurrent(seamCall, counts.total, IN_FLIGHT),
      moleculer100: () => concurrent(moleculerCall, counts.total, IN_FLIGHT),
    },
    profile.runs,
  );
}

/** A process whose seam sees module `bench` as remote at `url`. */
async function seamClient(url: string, namespace: string): Promise<INestApplicationContext> {
  const topology = topologyFrom(registry, { kind: 'monolith' }, { SEAMS_BENCH: 'remote', SEAMS_BENCH_URL: url, SEAMS_NAMESPACE: namespace });
  @Module({ imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, {}) })] })
  class ClientModule {}
  return NestFactory.createApplicationContext(ClientModule, { logger: false });
}

async function started(broker: ServiceBroker): Promise<{ close(): Promise<unknown> }> {
  await broker.start();
  await broker.waitForServices('bench', 10_000);
  return { close: () => broker.stop() };
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`a benchmark server exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The raw pattern on NATS is a subject of the run's own, so runs sharing the server never meet. */
const rawSubject = (namespace: string) => `${namespace}.raw.ping`;

/** The Nest side: the seam serving module `bench` and the raw pattern, on one transport (two TCP servers: seam and plain). */
async function serveNest({ transport, namespace, nestPort, rawPort }: ServerSettings): Promise<void> {
  const url = transport === 'tcp' ? `tcp://127.0.0.1:${nestPort}` : NATS_URL;
  const topology = topologyFrom(registry, { kind: 'module', module: 'bench' }, { SEAMS_BENCH_URL: url, SEAMS_NAMESPACE: namespace });
  const controllers = [transport === 'tcp' ? RawPingController : rawNatsController(rawSubject(namespace))];
  @Module({ imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, {}) }), BenchModule], controllers })
  class ServerModule {}
  const app = await NestFactory.create(ServerModule, { logger: false });
  app.connectMicroservice(serverOptions('bench', url, undefined, namespace));
  if (transport === 'tcp') app.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: rawPort } });
  await app.init(); // handlers registered before the listeners open (as startApp does)
  await app.startAllMicroservices();
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.send?.('ready');
}

/** The Moleculer side: a broker with the bench service, on one transporter. */
async function serveMoleculer({ transport, namespace, moleculerServerPort, moleculerClientPort }: ServerSettings): Promise<void> {
  const broker =
    transport === 'tcp'
      ? moleculerBroker('bench-server', tcpTransporter(moleculerServerPort, [`127.0.0.1:${moleculerClientPort}/bench-client`]))
      : moleculerBroker('bench-server', natsTransporter(NATS_URL), namespace);
  addBenchService(broker);
  await broker.start();
  process.once('SIGTERM', () => void broker.stop().then(() => process.exit(0)));
  process.send?.('ready');
}

const role = process.argv[2];
if (role === 'serve-nest' || role === 'serve-moleculer') {
  const settings = JSON.parse(process.argv[3]) as ServerSettings;
  (role === 'serve-nest' ? serveNest(settings) : serveMoleculer(settings)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

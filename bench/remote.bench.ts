import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { ServiceBroker } from 'moleculer';
import { firstValueFrom } from 'rxjs';
import { MessageRegistry, Seam, SeamModule, serverOptions, Topology } from '../src/kernel/seam';
import { compare, concurrent, type Sample, sequential } from './measure';
import { ACTION, addBenchService, moleculerBroker, natsTransporter, tcpTransporter } from './moleculer';
import { BenchModule, benchManifest, Ping, type PingReply, RawPingController, Reserve, SAMPLE } from './probe';
import { freePort, NATS_URL, natsAvailable, type Profile } from './support';

/**
 * Scenario 2, remote call: one seam command to another process, against the raw
 * `@nestjs/microservices` ClientProxy to the same server process and Moleculer's transporter
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

interface Ports {
  readonly nest: number;
  readonly moleculerServer: number;
  readonly moleculerClient: number;
}

export async function remote(profile: Profile): Promise<RemoteResult> {
  const nats = await natsAvailable();
  const namespace = `bench${randomBytes(3).toString('hex')}`;
  const ports: Ports = { nest: await freePort(), moleculerServer: await freePort(), moleculerClient: await freePort() };
  const settings = JSON.stringify({ namespace, ports, nats });
  const servers = [fork(__filename, ['serve-nest', settings], { stdio: 'inherit' }), fork(__filename, ['serve-moleculer', settings], { stdio: 'inherit' })];
  const opened: { close(): Promise<unknown> }[] = [];
  try {
    await Promise.all(servers.map(ready));
    const seq = profile.smoke ? 200 : 3000;
    const total = profile.smoke ? 1000 : 20_000;
    const { orderId, lines } = SAMPLE;

    // TCP
    const tcpUrl = `tcp://127.0.0.1:${ports.nest}`;
    const tcpSeam = await seamClient(tcpUrl, namespace);
    opened.push(tcpSeam);
    const tcpRaw = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: ports.nest } });
    await tcpRaw.connect();
    opened.push({ close: async () => tcpRaw.close() });
    const tcpBroker = moleculerBroker('bench-client', tcpTransporter(ports.moleculerClient, [`127.0.0.1:${ports.moleculerServer}/bench-server`]));
    opened.push(await started(tcpBroker));
    const seam = tcpSeam.get(Seam);
    const rawCall = () => firstValueFrom(tcpRaw.send<PingReply>('raw.ping', { orderId, lines }));
    // The same handler under an object pattern, which the Nest TCP server routes without a failed JSON.parse.
    const rawObjectCall = () => firstValueFrom(tcpRaw.send<PingReply>({ raw: 'ping' }, { orderId, lines }));
    const seamCall = () => seam.send(new Reserve(orderId, lines));
    const seamQuery = () => seam.ask(new Ping(orderId, lines));
    const moleculerCall = () => tcpBroker.call<PingReply, PingReply>(ACTION, { orderId, lines });
    const tcp = await compare<TcpSubject>(
      {
        rawSequential: () => sequential(rawCall, seq),
        seamSequential: () => sequential(seamCall, seq),
        moleculerSequential: () => sequential(moleculerCall, seq),
        raw100: () => concurrent(rawCall, total, IN_FLIGHT),
        rawObject100: () => concurrent(rawObjectCall, total, IN_FLIGHT),
        seam100: () => concurrent(seamCall, total, IN_FLIGHT),
        seamQuery100: () => concurrent(seamQuery, total, IN_FLIGHT),
        moleculer100: () => concurrent(moleculerCall, total, IN_FLIGHT),
      },
      profile.runs,
    );
    if (!nats) return { tcp };

    // NATS
    const natsSeam = await seamClient(NATS_URL, namespace);
    opened.push(natsSeam);
    const natsRaw: ClientProxy = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
    await natsRaw.connect();
    opened.push({ close: async () => natsRaw.close() });
    const natsBroker = moleculerBroker('bench-client', natsTransporter(NATS_URL), namespace);
    opened.push(await started(natsBroker));
    const natsSeamApi = natsSeam.get(Seam);
    const natsRawCall = () => firstValueFrom(natsRaw.send<PingReply>(`raw.ping`, { orderId, lines }));
    const natsSeamCall = () => natsSeamApi.send(new Reserve(orderId, lines));
    const natsMoleculerCall = () => natsBroker.call<PingReply, PingReply>(ACTION, { orderId, lines });
    const natsResult = await compare<NatsSubject>(
      {
        rawSequential: () => sequential(natsRawCall, seq),
        seamSequential: () => sequential(natsSeamCall, seq),
        moleculerSequential: () => sequential(natsMoleculerCall, seq),
        raw100: () => concurrent(natsRawCall, total, IN_FLIGHT),
        seam100: () => concurrent(natsSeamCall, total, IN_FLIGHT),
        moleculer100: () => concurrent(natsMoleculerCall, total, IN_FLIGHT),
      },
      profile.runs,
    );
    return { tcp, nats: natsResult };
  } finally {
    for (const resource of opened.reverse()) await resource.close().catch(() => undefined);
    await Promise.all(servers.map(stop));
  }
}

/** A process whose seam sees module `bench` as remote at `url`. */
async function seamClient(url: string, namespace: string): Promise<INestApplicationContext> {
  const topology = Topology.fromEnvironment(registry, { kind: 'monolith' }, { SEAMS_BENCH: 'remote', SEAMS_BENCH_URL: url, SEAMS_NAMESPACE: namespace });
  @Module({ imports: [SeamModule.forRoot({ registry, topology, env: {} })] })
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

/** The Nest side: the seam serving module `bench` and the raw pattern, on TCP and on NATS. */
async function serveNest({ namespace, ports, nats }: { namespace: string; ports: Ports; nats: boolean }): Promise<void> {
  const url = `tcp://127.0.0.1:${ports.nest}`;
  const topology = Topology.fromEnvironment(registry, { kind: 'module', module: 'bench' }, { SEAMS_BENCH_URL: url, SEAMS_NAMESPACE: namespace });
  @Module({ imports: [SeamModule.forRoot({ registry, topology, env: {} }), BenchModule], controllers: [RawPingController] })
  class ServerModule {}
  const app = await NestFactory.create(ServerModule, { logger: false });
  app.connectMicroservice(serverOptions('bench', url, undefined, namespace));
  if (nats) app.connectMicroservice(serverOptions('bench', NATS_URL, undefined, namespace));
  await app.startAllMicroservices();
  await app.init();
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.send?.('ready');
}

/** The Moleculer side: one broker per transporter, each with the bench service. */
async function serveMoleculer({ namespace, ports, nats }: { namespace: string; ports: Ports; nats: boolean }): Promise<void> {
  const brokers = [moleculerBroker('bench-server', tcpTransporter(ports.moleculerServer, [`127.0.0.1:${ports.moleculerClient}/bench-client`]))];
  if (nats) brokers.push(moleculerBroker('bench-server', natsTransporter(NATS_URL), namespace));
  for (const broker of brokers) {
    addBenchService(broker);
    await broker.start();
  }
  process.once('SIGTERM', () => void Promise.all(brokers.map((broker) => broker.stop())).then(() => process.exit(0)));
  process.send?.('ready');
}

const role = process.argv[2];
if (role === 'serve-nest' || role === 'serve-moleculer') {
  const settings = JSON.parse(process.argv[3]) as { namespace: string; ports: Ports; nats: boolean };
  (role === 'serve-nest' ? serveNest(settings) : serveMoleculer(settings)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

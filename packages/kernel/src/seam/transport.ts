import { connect, isIP } from 'node:net';
import { Logger } from '@nestjs/common';
import { type ClientOptions, type MicroserviceOptions, type NatsOptions, type RmqOptions, ServerNats, ServerRMQ, Transport } from '@nestjs/microservices';
import { BatchingJsonSocket } from './batching-socket';
import { patternOf } from './envelope';

export type TransportName = 'tcp' | 'nats' | 'rmq';

export const URL_EXAMPLE = 'tcp://127.0.0.1:4010, nats://127.0.0.1:4222 or amqp://guest:guest@127.0.0.1:5672';

/** The largest TCP frame accepted (characters of JSON); a larger one closes the connection. */
export const MAX_FRAME_CHARS = 1024 * 1024;

const FRAMED = BatchingJsonSocket.with({ maxBufferSize: MAX_FRAME_CHARS });

/**
 * Mutual TLS for the TCP transport (PEM contents; the host reads the files). With them given,
 * servers demand a client certificate signed by the CA, and clients present theirs and check
 * the server's.
 */
export interface TlsFiles {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export function transportOf(url: string): TransportName {
  const scheme = url.trim().split(':')[0].toLowerCase();
  if (scheme === 'tcp') return 'tcp';
  if (scheme === 'nats') return 'nats';
  if (scheme === 'amqp' || scheme === 'amqps') return 'rmq';
  throw new Error(`"${url}" is not a seam address; use ${URL_EXAMPLE}`);
}

/**
 * The addresses of a module's setting: one (`tcp://10.0.0.5:4010`), a comma-separated list of
 * one transport (replicas over TCP: `tcp://10.0.0.5:4010,tcp://10.0.0.6:4010`; a broker's
 * cluster over NATS or RabbitMQ), or a host name that resolves to several (a headless Service).
 */
export function addressesOf(url: string): string[] {
  const list = url.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (list.length === 0) throw new Error(`"${url}" names no address; use ${URL_EXAMPLE}`);
  const transport = transportOf(list[0]);
  for (const address of list) {
    if (transportOf(address) !== transport) throw new Error(`"${url}" mixes transports; list addresses of one transport (replicas of a module, or one broker's servers)`);
    if (transport === 'tcp') tcp(address, () => undefined);
    else if (!URL.canParse(address)) throw new Error(`"${address}" is not a valid address; use ${URL_EXAMPLE}`);
  }
  return list;
}

/** Host, port and frame limit of a `tcp://` address, plus the TLS options of its side. */
function tcp(url: string, tlsFor: (host: string) => object | undefined) {
  const parsed = new URL(url);
  const port = Number(parsed.port);
  if (!parsed.hostname || !Number.isInteger(port) || port <= 0) {
    throw new Error(`"${url}" needs a host and a port, e.g. tcp://127.0.0.1:4010`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const tlsOptions = tlsFor(host);
  // Nest's framing, with each tick's frames written together (see BatchingJsonSocket).
  return { transport: Transport.TCP, options: { host, port, socketClass: FRAMED, ...(tlsOptions && { tlsOptions }) } } as const;
}

/**
 * A NATS connection that lost its server keeps trying for as long as the process runs. The
 * client's default gives up after 10 attempts 2 s apart: a broker down for longer left a
 * module host off the broker for good (deaf to every call, still "up"), and nothing but a
 * restart brought it back. While it is away, calls fail at once with `seam.unavailable`
 * (the client's connection is known to be lost), so waiting costs callers nothing.
 */
const NATS_RECONNECT = { reconnect: true, maxReconnectAttempts: -1 } as const;

/**
 * How this process reaches its brokers (NATS, RabbitMQ) safely: the seam's envelopes carry
 * users' tokens and the service credential, so on a shared network they travel encrypted, and
 * a NATS server can tell this process from anyone else who may connect.
 */
export interface BrokerOptions {
  /**
   * TLS to the brokers: the CA that signed the broker's certificate (checked, with its host
   * name); with `cert` and `key`, this process's certificate, for a broker that asks for one.
   * A RabbitMQ address must then be `amqps://`; a NATS connection then requires TLS.
   */
  readonly tls?: { readonly ca: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  /** NATS: the user's nkey seed (`SU…`); the connection signs the server's challenge with it. */
  readonly natsNkeySeed?: string;
  /** NATS: the contents of a `.creds` file (a user JWT and its nkey seed: NATS decentralized auth). */
  readonly natsCredentials?: string;
}

/** The broker options, checked: refused in one line naming the option. */
export function checkBrokerOptions(broker: BrokerOptions | undefined, urls: readonly string[]): void {
  if (!broker) return;
  const tls = broker.tls;
  if (tls && !tls.ca?.length) throw new Error('broker.tls needs ca (the CA that signed the broker\'s certificate)');
  if (tls && Boolean(tls.cert?.length) !== Boolean(tls.key?.length)) throw new Error('broker.tls needs cert and key together, or neither');
  if (broker.natsNkeySeed !== undefined && broker.natsCredentials !== undefined) throw new Error('set broker.natsNkeySeed or broker.natsCredentials, not both');
  if (broker.natsNkeySeed !== undefined && !/^SU[A-Z2-7]{56}$/.test(broker.natsNkeySeed.trim())) {
    throw new Error('broker.natsNkeySeed is not a NATS user seed (58 characters starting with SU)');
  }
  if (broker.natsCredentials !== undefined && !broker.natsCredentials.includes('BEGIN NATS USER JWT')) {
    throw new Error('broker.natsCredentials is not a NATS .creds file (no "BEGIN NATS USER JWT" block)');
  }
  if (tls) {
    const plain = urls.flatMap(addressesOf).filter((url) => /^amqp:/i.test(url));
    if (plain.length > 0) throw new Error(`broker TLS is set, but ${plain.map(withoutPassword).join(', ')} is not encrypted: use amqps://`);
  }
}

function withoutPassword(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** The NATS client package, loaded only when an authenticator is needed (Nest loads it for the transport itself). */
function natsAuthenticator(broker: BrokerOptions | undefined): object | undefined {
  if (broker?.natsNkeySeed === undefined && broker?.natsCredentials === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only when NATS authenticates
  const nats = require('@nats-io/transport-node') as {
    nkeyAuthenticator(seed: Uint8Array): object;
    credsAuthenticator(creds: Uint8Array): object;
  };
  const encode = (text: string) => new TextEncoder().encode(text);
  // A .creds file as it is: its parser needs the line break after each block's end line.
  return broker.natsNkeySeed !== undefined ? nats.nkeyAuthenticator(encode(broker.natsNkeySeed.trim())) : nats.credsAuthenticator(encode(`${broker.natsCredentials!}\n`));
}

/** A NATS connection's options: reconnecting for good, with TLS and an authenticator when set. */
function natsConnection(url: string, broker: BrokerOptions | undefined) {
  const tls = broker?.tls;
  const authenticator = natsAuthenticator(broker);
  return {
    servers: addressesOf(url),
    ...NATS_RECONNECT,
    ...(tls && { tls: { ca: tls.ca.toString(), ...(tls.cert && tls.key && { cert: tls.cert.toString(), key: tls.key.toString() }) } }),
    ...(authenticator && { authenticator }),
  };
}

/** A RabbitMQ connection's TLS (its `amqps://` address says to use it). */
function rmqSocket(url: string, broker: BrokerOptions | undefined) {
  const tls = broker?.tls;
  if (!tls || !/^\s*amqps:/i.test(url)) return {};
  return { socketOptions: { connectionOptions: { ca: [tls.ca], ...(tls.cert && tls.key && { cert: tls.cert, key: tls.key }) } } };
}

/**
 * How to reach `module` at `url` as a client. A TCP client reaches one replica: `servername`
 * is the host name its address was resolved from, checked against the certificate.
 */
export function clientOptions(module: string, url: string, tls?: TlsFiles, namespace?: string, broker?: BrokerOptions, servername?: string): ClientOptions {
  switch (transportOf(url)) {
    case 'tcp':
      // SNI carries host names only; an IP address is checked against the certificate's IP SAN.
      return tcp(url, (host) => tls && { ...tls, rejectUnauthorized: true, ...((servername ?? (isIP(host) === 0 ? host : undefined)) && { servername: servername ?? host }) });
    case 'nats':
      return { transport: Transport.NATS, options: natsConnection(url, broker) } as ClientOptions;
    case 'rmq':
      return {
        transport: Transport.RMQ,
        options: { urls: addressesOf(url), queue: patternOf(module, namespace), queueOptions: { durable: true }, ...rmqSocket(url, broker) },
      } as ClientOptions;
  }
}

/**
 * How to serve `modules` at `url`. TCP and NATS serve every module of a group on one listener or
 * connection; RabbitMQ consumes one queue per module, so its groups hold one module each.
 */
export function serverOptions(modules: string | readonly string[], url: string, tls?: TlsFiles, namespace?: string, broker?: BrokerOptions): MicroserviceOptions {
  const served = typeof modules === 'string' ? [modules] : modules;
  switch (transportOf(url)) {
    case 'tcp':
      return tcp(url, () => tls && { ...tls, requestCert: true, rejectUnauthorized: true });
    case 'nats':
      return { strategy: new SeamNatsServer(natsConnection(url, broker) as NonNullable<NatsOptions['options']>, served.map((module) => patternOf(module, namespace))) };
    case 'rmq':
      if (served.length !== 1) throw new Error(`a RabbitMQ server consumes one module's queue, not ${served.join(', ')}`);
      return {
        strategy: new SeamRmqServer({ urls: addressesOf(url), queue: patternOf(served[0], namespace), queueOptions: { durable: true }, noAck: true, ...rmqSocket(url, broker) } as NonNullable<RmqOptions['options']>),
      };
  }
}

/**
 * Nest's NATS server, subscribed to the subjects of its own modules only, each in a queue group
 * named after the subject: replicas of a module share its messages, and every message is taken
 * once per process whatever else the process serves. (Nest subscribes every pattern the
 * application registered, in one queue group per server: a process serving two modules through
 * two servers took each message in both groups, so a command ran twice.)
 */
export class SeamNatsServer extends ServerNats {
  constructor(
    options: NonNullable<NatsOptions['options']>,
    private readonly subjects: readonly string[],
  ) {
    super(options);
  }

  override bindEvents(client: { subscribe(subject: string, options: { queue?: string; callback: unknown }): unknown }): void {
    const subscriptions = (this as unknown as { subscriptions: unknown[] }).subscriptions;
    for (const subject of this.subjects) {
      if (!this.messageHandlers.has(subject)) throw new Error(`no handler is registered for the seam subject ${subject}`);
      subscriptions.push(client.subscribe(subject, { queue: subject, callback: this.getMessageHandler(subject).bind(this) }));
    }
    // The app's own NATS patterns (not the seam's) are subscribed as Nest would, in their own queue if they name one.
    for (const [pattern, handler] of this.messageHandlers) {
      if (this.subjects.includes(pattern) || isSeamPattern(pattern)) continue;
      const queue = (handler as { extras?: { queue?: string } }).extras?.queue;
      subscriptions.push(client.subscribe(pattern, { ...(queue && { queue }), callback: this.getMessageHandler(pattern).bind(this) }));
    }
  }
}

/** A pattern of the seam (another module's subject, or its TCP form), which only that module's server takes. */
function isSeamPattern(pattern: string): boolean {
  return pattern.startsWith('seams.') || pattern.startsWith('{"seams":');
}

/**
 * Nest's RabbitMQ server, with its replies' publishing watched. Nest drops the promise of each
 * reply's `sendToQueue`; when the connection was lost before the broker confirmed a reply,
 * that promise rejects unhandled ("channel closed") and Node ends the module host. Here the
 * reply is given up with a warning (its caller fails at once, or at its deadline) and the
 * host carries on and reconnects.
 */
export class SeamRmqServer extends ServerRMQ {
  private readonly replies = new Logger('Seam');

  constructor(options: NonNullable<RmqOptions['options']>) {
    super(options);
  }

  override sendMessage<T>(message: T, replyTo: string, correlationId: string): void {
    const outgoing = this.serializer.serialize(message as never) as { options?: object };
    const { options, ...packet } = outgoing;
    this.channel?.sendToQueue(replyTo, Buffer.from(JSON.stringify(packet)), { correlationId, ...options }).catch((error: unknown) => {
      this.replies.warn(`A reply through RabbitMQ was lost (${(error as Error)?.message ?? String(error)}); its caller gets seam.unavailable or seam.timeout`);
    });
  }
}

/**
 * Servers to start: modules sharing one TCP or NATS address share one server (a NATS server
 * subscribes each module's subject on one connection); RabbitMQ gets one per module (a queue each).
 */
export function groupServers(served: readonly { module: string; url: string }[]): { url: string; modules: string[] }[] {
  const groups = new Map<string, { url: string; modules: string[] }>();
  for (const { module, url } of served) {
    const key = transportOf(url) === 'rmq' ? `${url}#${module}` : url;
    const group = groups.get(key) ?? { url, modules: [] };
    group.modules.push(module);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const DEFAULT_PORTS: Record<string, number> = { nats: 4222, amqp: 5672, amqps: 5671 };

/** The broker addresses (NATS, RabbitMQ) among `urls`, once each; TCP needs no broker. */
export function brokerUrls(urls: readonly string[]): string[] {
  return [...new Set(urls.flatMap(addressesOf).filter((url) => transportOf(url) !== 'tcp'))];
}

/** Resolves when a TCP connection to the broker at `url` opens within `timeoutMs`; rejects saying why otherwise. */
export function brokerReachable(url: string, timeoutMs: number): Promise<void> {
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(':', '').toLowerCase();
  const port = Number(parsed.port) || DEFAULT_PORTS[scheme];
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    socket.once('connect', () => done());
    socket.once('error', (error) => done(error));
  });
}

import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { asConflict, asUnavailable, DomainError, type ErrorKind, type MessageKind } from '../primitives';
import { type ObservedRoute, SeamObserver } from '../observability/seam-observer';
import { SeamSecurity } from '../security/seam-security';
import type { ActingAs } from '../security/service-credentials';
import { UnauthenticatedError } from '../security/principal';
import { clientRequest } from './client-request';
import { ENVELOPE_VERSION, type Envelope, patternOf, type Reply, SEAM_PING, tcpPatternOf, type WireError } from './envelope';
import { RequestContexts } from '../context';
import { isRefusal, RemoteError, RemoteFailureError, SeamTimeoutError, SeamUnavailableError } from './seam-errors';
import { Topology } from './topology';
import { Deadlines } from './deadlines';
import { addressesOf, clientOptions, transportOf } from './transport';
import { BrokerConnection, type Connection, type Replica, type Replicas, ReplicaSet } from './replicas';
import { type ResolvedSeamOptions, SEAM_OPTIONS } from './seam-options';
import { ModulePolicy, resilienceFor } from './resilience';

/** The seam's time budget for one message (ms), as a provider. */
export const SEAM_TIMEOUT = Symbol('SEAM_TIMEOUT');

interface Target {
  /** The module's address as errors show it: without the user and password a broker URL may hold. */
  readonly url: string;
  readonly pattern: string | object;
  readonly policy: ModulePolicy;
  /** Over TCP, one connection per replica; over a broker, its one client. */
  readonly replicas: Replicas;
  readonly tcp: boolean;
}

/** A call in flight to a broker module, failed at once when the broker connection is lost. */
interface Pending {
  readonly target: Target;
  fail(error: DomainError): void;
}

/** How replicas are found when no option says otherwise. */
export const DEFAULT_REPLICA_OPTIONS = { resolveMs: 5000, maxConnectionAgeMs: 300_000, retryMs: 250 } as const;

/** A host name's IPv4 addresses (its IPv6 ones when it has none), through the system's resolver. */
export async function systemResolve(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true });
  const v4 = found.filter((entry) => entry.family === 4).map((entry) => entry.address);
  return v4.length > 0 ? v4 : found.map((entry) => entry.address);
}

/** Builds the envelope of a message sent from the current context. */
export function envelopeOf(kind: MessageKind, name: string, payload: unknown, timeoutMs: number, id: string = randomUUID()): Envelope {
  const context = RequestContexts.current();
  return {
    v: ENVELOPE_VERSION,
    kind,
    name,
    id,
    correlationId: context?.correlationId ?? id,
    causationId: context?.messageId ?? context?.correlationId,
    deadline: Math.min(context?.deadline ?? Infinity, Date.now() + timeoutMs),
    identity: context?.identity,
    payload,
  };
}

/** What work with no principal gets when it sends: refused, in process as across the seam. */
export function noPrincipal(name: string): UnauthenticatedError {
  return new UnauthenticatedError(`${name} was sent by work that acts for nobody: run it for a user (a request) or as a service (RequestContexts.runAsService)`);
}

/** Rebuilds a typed error that crossed the seam. */
export function errorFromWire(error: WireError): DomainError {
  return new RemoteError(error.code, error.kind, error.message, error.details ?? {});
}

/** Turns any failure into what crosses the seam; unexpected ones keep their details in the log. */
export function errorToWire(error: unknown, where: string): WireError {
  error = asUnavailable(error) ?? asConflict(error) ?? error;
  if (error instanceof DomainError) {
    return { code: error.code, kind: error.kind, message: error.message, details: { ...error.details } };
  }
  const failure = new RemoteFailureError(`${where} failed unexpectedly; the log of that process has the details`);
  return { code: failure.code, kind: failure.kind as ErrorKind, message: failure.message, details: {} };
}

/**
 * Clients of the modules that run elsewhere, one per module, created at start-up and closed
 * at shutdown. Every failure to get an answer becomes a typed error: unreachable → 503
 * (`seam.unavailable`), deadline passed → 504 (`seam.timeout`).
 */
@Injectable()
export class RemoteModules implements OnApplicationShutdown {
  private readonly clients = new Map<string, Target>();
  /** Deadlines of the calls in flight: one coarse timer for all of them, as for local calls. */
  private readonly deadlines = new Deadlines();
  /** Calls in flight to broker modules (see `lost`). */
  private readonly pending = new Set<Pending>();
  private readonly routes = new Map<string, ObservedRoute>();
  private readonly observer: SeamObserver;
  private readonly refusals: ReturnType<SeamObserver['metrics']['counter']>;

  constructor(
    private readonly topology: Topology,
    @Inject(SEAM_OPTIONS) options: ResolvedSeamOptions,
    private readonly security: SeamSecurity,
    @Optional() observer?: SeamObserver,
  ) {
    this.observer = observer ?? SeamObserver.standalone();
    const replicaOptions = { ...DEFAULT_REPLICA_OPTIONS, resolve: systemResolve, ...options.replicas };
    const opened = this.observer.metrics.counter('seams_seam_connections_opened_total', 'TCP seam connections opened to remote modules\' replicas (first, after a failure, or renewing an old one)', ['module']);
    this.refusals = this.observer.metrics.counter(
      'seams_seam_refused_total',
      'Messages a module host refused unhandled because it was shutting down (each is taken to another replica, whatever its kind)',
      ['module'],
    );
    for (const { module, url } of topology.remote) {
      const tcp = transportOf(url) === 'tcp';
      const pattern = tcp ? tcpPatternOf(module, topology.namespace) : patternOf(module, topology.namespace);
      const policy = new ModulePolicy(module, resilienceFor(module, options.resilience));
      let replicas: Replicas;
      if (tcp) {
        const wire = {
          connect: (host: string, port: number, servername: string | undefined) =>
            ClientProxyFactory.create(clientOptions(module, `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`, options.tls, topology.namespace, options.broker, servername)),
          ping: (connection: Connection) => this.ping(module, target, connection, options.timeoutMs),
          opened: () => opened.inc({ module }),
        };
        replicas = new ReplicaSet(module, addressesOf(url), wire, replicaOptions);
      } else {
        const client = ClientProxyFactory.create(clientOptions(module, url, options.tls, topology.namespace, options.broker));
        replicas = new BrokerConnection(withoutCredentials(url), client);
        // A broker client keeps its connection across an outage; its calls under way are failed
        // when it is lost (a TCP client fails them itself when its socket closes).
        client.status.subscribe((status) => status === 'disconnected' && this.lost(module, target));
      }
      const target: Target = { url: withoutCredentials(url), pattern, policy, tcp, replicas };
      this.clients.set(module, target);
    }
  }

  /** Each remote module's replicas: address and whether calls go to it. */
  replicaStates(): Record<string, { address: string; up: boolean }[]> {
    return Object.fromEntries([...this.clients].map(([module, { replicas }]) => [module, replicas.all.map(({ address, up }) => ({ address, up }))]));
  }

  /** Circuit breaker state per remote module. */
  breakerStates(): Record<string, string> {
    return Object.fromEntries([...this.clients].map(([module, { policy }]) => [module, policy.state]));
  }

  /**
   * Sends the envelope to `module` under its policies (circuit breaker, bulkhead, retries for
   * queries) and returns its result, or throws the typed error. Logged, timed and traced by
   * the seam's observer; the trace context goes along in the envelope.
   */
  request(module: string, envelope: Envelope): Promise<unknown> {
    const key = `${module} ${envelope.name}`;
    let route = this.routes.get(key);
    if (!route) {
      route = this.observer.route(module, envelope.name, envelope.kind, 'remote', 'send');
      this.routes.set(key, route);
    }
    return this.observer.observe(route, (trace) => this.attempt(module, trace.traceparent ? { ...envelope, ...trace } : envelope));
  }

  private attempt(module: string, envelope: Envelope): Promise<unknown> {
    const target = this.clients.get(module);
    if (!target) return Promise.reject(new SeamUnavailableError(module, `no address is configured (set ${this.topology.settingName(module, 'url')})`, { sent: false }));
    // A message whose deadline has already passed is not the module's failure: it is refused
    // here, without a try and without counting against the module's circuit breaker.
    if (envelope.deadline <= Date.now()) return Promise.reject(new SeamTimeoutError(`${envelope.name} to ${module}`));
    // For whom the message acts: the user whose token it carries, or this deployment when the
    // work runs as a service (the relay, a job). Work with neither is refused, here as in process.
    const as = envelope.identity !== undefined ? 'user' : RequestContexts.current()?.principal?.kind === 'service' ? 'service' : undefined;
    if (!as) return Promise.reject(noPrincipal(envelope.name));
    const retriable = envelope.kind === 'query' || (envelope.kind === 'command' && envelope.idempotencyKey !== undefined);
    // Each try picks a replica anew (a retry goes to one that still answers) and is sealed anew.
    return target.policy.execute(retriable, () => this.toReplica(module, target, envelope, as));
  }

  /** Sends to the replica of `target` that the next call goes to; waits for a host name's first resolution. */
  private toReplica(module: string, target: Target, envelope: Envelope, as: ActingAs): Promise<unknown> {
    const replica = target.replicas.pick();
    if (replica) return this.send(module, target, replica, replica.connection, { ...envelope, service: this.security.credentials.seal(envelope, as) });
    if (target.replicas.pending) return target.replicas.refresh().then(() => (target.replicas.pending ? this.noReplica(module, target) : this.toReplica(module, target, envelope, as)));
    return this.noReplica(module, target);
  }

  private noReplica(module: string, target: Target): Promise<never> {
    const known = target.replicas.all.length;
    const why = known === 0 ? `its address resolves to no host (${target.url})` : `none of its ${known} replicas answers (${target.url})`;
    return Promise.reject(new SeamUnavailableError(module, why, { sent: false }));
  }

  /**
   * Whether `module`'s host answers (the seam's ping, outside the breaker and the bulkhead, so
   * it tells the truth even while the circuit is open). Throws the typed error when it does not.
   */
  async probe(module: string, timeoutMs: number): Promise<void> {
    const target = this.clients.get(module);
    if (!target) throw new SeamUnavailableError(module, 'no address is configured');
    if (target.replicas.pending) await target.replicas.refresh();
    const replica = target.replicas.pick();
    if (!replica) return this.noReplica(module, target);
    await this.ping(module, target, replica.connection, timeoutMs, replica);
  }

  /** The seam's ping through one connection (outside the breaker and the bulkhead). */
  private async ping(module: string, target: Target, connection: Connection, timeoutMs: number, replica?: Replica): Promise<void> {
    const id = randomUUID();
    const unsealed: Envelope = { v: ENVELOPE_VERSION, kind: 'query', name: SEAM_PING, id, correlationId: id, deadline: Date.now() + timeoutMs, payload: {} };
    await this.send(module, target, replica, connection, { ...unsealed, service: this.security.credentials.seal(unsealed, 'service') });
  }

  /** The modules this process calls in other processes. */
  get modules(): string[] {
    return [...this.clients.keys()];
  }

  /**
   * One call through one connection. `replica` is where it goes (none for a ping of a replica
   * that is left out: its failure is the replica set's to judge).
   */
  private send(module: string, target: Target, replica: Replica | undefined, connection: Connection, envelope: Envelope): Promise<unknown> {
    const where = target.tcp && replica && target.replicas.all.length > 1 ? `tcp://${replica.address}` : target.url;
    target.replicas.sent(connection);
    return new Promise<unknown>((resolve, reject) => {
      const heard = connection.heard;
      const settle = (error: DomainError | undefined, reply?: Reply) => {
        this.deadlines.untrack(call);
        if (pending) this.pending.delete(pending);
        target.replicas.done(connection);
        // Timed out, and nothing at all came back on its connection since it was sent: the
        // connection is taken for dead (see ReplicaSet.failed).
        if (error instanceof SeamTimeoutError && replica && connection.heard === heard) {
          target.replicas.failed(replica, connection, 'no answer before the deadline, and nothing else heard on its connection', true);
        }
        if (error) return reject(error);
        connection.heard++;
        if (reply?.ok === true) resolve(reply.result);
        else if (reply?.ok === false && typeof reply.error === 'object' && reply.error !== null) {
          const failure = errorFromWire(reply.error);
          if (isRefusal(failure)) this.refusals.inc({ module });
          reject(failure);
        }
        else reject(new SeamUnavailableError(module, `it answered with something that is not a seam reply (${where})`));
      };
      // Deadlines are enforced by one coarse timer for all calls in flight rather than a timer
      // per call (which costs more than the rest of the client side together at high rates).
      const fail = (error: DomainError) => {
        withdraw();
        settle(error);
      };
      const call = this.deadlines.track(envelope.deadline, 'A message sent through the seam', fail);
      // Only a broker client reports a lost connection (see `lost`); TCP calls are not listed.
      const pending: Pending | undefined = target.tcp ? undefined : { target, fail };
      if (pending) this.pending.add(pending);
      const withdraw = clientRequest(connection.client, target.pattern, envelope, (error, reply) => {
        if (error === undefined) return settle(undefined, reply as Reply);
        if (replica) target.replicas.failed(replica, connection, reasonOf(error), false);
        settle(new SeamUnavailableError(module, `${reasonOf(error)} (${where})`));
      });
    });
  }

  /**
   * The broker connection of `target` was lost: its calls under way fail now with
   * `seam.unavailable` instead of waiting for their deadlines (their answers, if any, would
   * come back on the lost connection). Whether such a call took effect is as unknown as after
   * a timeout; only queries and idempotent commands are retried.
   */
  private lost(module: string, target: Target): void {
    for (const call of this.pending) {
      if (call.target === target) call.fail(new SeamUnavailableError(module, `its connection to the broker was lost (${target.url})`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.deadlines.close();
    for (const { replicas } of this.clients.values()) replicas.close();
  }
}

/** `amqp://user:secret@host:5672` as `amqp://host:5672`: errors go to callers and logs. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

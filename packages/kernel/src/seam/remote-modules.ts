import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { type ClientProxy, ClientProxyFactory } from '@nestjs/microservices';
import { asUnavailable, DomainError, type ErrorKind, type MessageKind } from '../primitives';
import { type ObservedRoute, SeamObserver } from '../observability/seam-observer';
import { SeamSecurity } from '../security/seam-security';
import { clientRequest } from './client-request';
import { ENVELOPE_VERSION, type Envelope, patternOf, type Reply, SEAM_PING, tcpPatternOf, type WireError } from './envelope';
import { RequestContexts } from '../context';
import { RemoteError, RemoteFailureError, SeamTimeoutError, SeamUnavailableError } from './seam-errors';
import { Topology } from './topology';
import { Deadlines } from './deadlines';
import { clientOptions, transportOf } from './transport';
import { type ResolvedSeamOptions, SEAM_OPTIONS } from './seam-options';
import { ModulePolicy, resilienceFor } from './resilience';

/** The seam's time budget for one message (ms), as a provider. */
export const SEAM_TIMEOUT = Symbol('SEAM_TIMEOUT');

interface Target {
  /** The module's address as errors show it: without the user and password a broker URL may hold. */
  readonly url: string;
  readonly pattern: string | object;
  readonly client: ClientProxy;
  readonly policy: ModulePolicy;
  /** A TCP client, whose connection the seam replaces when it goes silent (see `silent`). */
  readonly tcp: boolean;
  /** Answers that came back through this client, and connections replaced, so far (counters: no clock on the hot path). */
  heard: number;
  replaced: number;
}

/** A call in flight to a broker module, failed at once when the broker connection is lost. */
interface Pending {
  readonly target: Target;
  fail(error: DomainError): void;
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

/** Rebuilds a typed error that crossed the seam. */
export function errorFromWire(error: WireError): DomainError {
  return new RemoteError(error.code, error.kind, error.message, error.details ?? {});
}

/** Turns any failure into what crosses the seam; unexpected ones keep their details in the log. */
export function errorToWire(error: unknown, where: string): WireError {
  error = asUnavailable(error) ?? error;
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

  constructor(
    private readonly topology: Topology,
    @Inject(SEAM_OPTIONS) options: ResolvedSeamOptions,
    private readonly security: SeamSecurity,
    @Optional() observer?: SeamObserver,
  ) {
    this.observer = observer ?? SeamObserver.standalone();
    for (const { module, url } of topology.remote) {
      const client = ClientProxyFactory.create(clientOptions(module, url, options.tls, topology.namespace, options.broker));
      const pattern = transportOf(url) === 'tcp' ? tcpPatternOf(module, topology.namespace) : patternOf(module, topology.namespace);
      const tcp = transportOf(url) === 'tcp';
      const policy = new ModulePolicy(module, resilienceFor(module, options.resilience));
      const target: Target = { url: withoutCredentials(url), pattern, client, policy, tcp, heard: 0, replaced: 0 };
      this.clients.set(module, target);
      // A broker client keeps its connection across an outage; its calls under way are failed
      // when it is lost (a TCP client fails them itself when its socket closes).
      if (!tcp) client.status.subscribe((status) => status === 'disconnected' && this.lost(module, target));
    }
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
    // The credential is re-signed once a minute; in between it is at hand without a wait.
    const service = this.security.credentials.cached();
    if (service === undefined) return this.security.credentials.credential().then(() => this.attempt(module, envelope));
    const signed = { ...envelope, service };
    const retriable = envelope.kind === 'query' || (envelope.kind === 'command' && envelope.idempotencyKey !== undefined);
    return target.policy.execute(retriable, () => this.send(module, target, signed));
  }

  /**
   * Whether `module`'s host answers (the seam's ping, outside the breaker and the bulkhead, so
   * it tells the truth even while the circuit is open). Throws the typed error when it does not.
   */
  async probe(module: string, timeoutMs: number): Promise<void> {
    const target = this.clients.get(module);
    if (!target) throw new SeamUnavailableError(module, 'no address is configured');
    const id = randomUUID();
    const envelope: Envelope = {
      v: ENVELOPE_VERSION,
      kind: 'query',
      name: SEAM_PING,
      id,
      correlationId: id,
      deadline: Date.now() + timeoutMs,
      service: await this.security.credentials.credential(),
      payload: {},
    };
    await this.send(module, target, envelope);
  }

  /** The modules this process calls in other processes. */
  get modules(): string[] {
    return [...this.clients.keys()];
  }

  private send(module: string, target: Target, envelope: Envelope): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const heard = target.heard;
      const replaced = target.replaced;
      const settle = (error: DomainError | undefined, reply?: Reply) => {
        this.deadlines.untrack(call);
        if (pending) this.pending.delete(pending);
        if (error instanceof SeamTimeoutError) this.silent(target, heard, replaced);
        if (error) return reject(error);
        target.heard++;
        if (reply?.ok === true) resolve(reply.result);
        else if (reply?.ok === false && typeof reply.error === 'object' && reply.error !== null) reject(errorFromWire(reply.error));
        else reject(new SeamUnavailableError(module, `it answered with something that is not a seam reply (${target.url})`));
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
      const withdraw = clientRequest(target.client, target.pattern, envelope, (error, reply) =>
        error === undefined ? settle(undefined, reply as Reply) : settle(new SeamUnavailableError(module, `${reasonOf(error)} (${target.url})`)),
      );
    });
  }

  /**
   * A call to a TCP module timed out and nothing at all came back on its connection since the
   * call was sent: the connection is taken for dead and replaced (the next call connects
   * again). A flow dropped silently on the way (a firewall's or a NAT's state lost, a peer
   * gone without a reset) otherwise swallowed every later call for good, the half-open trials
   * of the breaker included. Brokers watch their own connections (NATS pings, AMQP heartbeats).
   */
  private silent(target: Target, heard: number, replaced: number): void {
    if (!target.tcp || target.heard !== heard || target.replaced !== replaced) return;
    target.replaced++;
    // Calls still waiting on the old connection fail now as unreachable (503), not at their deadline.
    void Promise.resolve(target.client.close()).catch(() => undefined);
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
    await Promise.all([...this.clients.values()].map(({ client }) => Promise.resolve(client.close()).catch(() => undefined)));
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

import { Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';

/** Correlation ids for local calls made outside any request: this process's boot id and a counter (a UUID each costs more than the call). */
const BOOT = randomUUID();
let calls = 0;
const nextCorrelationId = () => `${BOOT}-${++calls}`;
import { type Admit, admitterOf, asConflict, asUnavailable, type Command, type DomainError, isSchema, type MessageClass, type MessageKind, type Query, Refused } from '../primitives';
import { type ObservedRoute, SeamObserver } from '../observability/seam-observer';
import { MessageRegistry } from './manifest';
import { type LocalDispatch, LocalHandlers } from './local-handlers';
import { envelopeOf, noPrincipal, RemoteModules } from './remote-modules';
import { Seam } from './seam';
import { answerIssues, InvalidMessageError, SeamBadAnswerError, SeamTimeoutError } from './seam-errors';
import { Deadlines } from './deadlines';
import { type RequestContext, RequestContexts } from '../context';
import { tracingEnabled } from '../observability/tracing';
import type { ShadowRuns } from './shadow';
import { Topology } from './topology';

interface Route {
  readonly type: MessageClass;
  readonly kind: MessageKind;
  readonly wire: string;
  readonly module: string;
  readonly local: boolean;
  /** For local dispatch: the observer's route (logs, metrics, spans). */
  readonly observed: ObservedRoute;
  /** The payload field a command's contract names as its idempotency key. */
  readonly idempotencyKey?: string;
  /** A query of a module in shadow mode: also asked of the other implementation, to compare. */
  readonly shadow: boolean;
  /** The payload the handler gets, as a module host would give it, or `Refused` (`admitterOf`, ADR 0017 and 0031). */
  readonly admit: Admit;
  /** Whether the contract declares the answer (`answer`): then every answer is checked, on both paths. */
  readonly answers: boolean;
  /** For local dispatch: the handler, called directly once the bus has registered it. */
  dispatch?: LocalDispatch;
}

/**
 * The seam of this process. A message to a module that runs here goes straight to its
 * `@nestjs/cqrs` handler (no serialisation, no copy, no per-call lookup: see `LocalHandlers`);
 * one to a module elsewhere goes in an envelope over that module's transport. The route of
 * each message class is worked out once.
 * Both ways are observed (a log line, a histogram sample, a span when tracing is on).
 */
@Injectable()
export class RoutingSeam extends Seam {
  private readonly routes = new Map<object, Route>();
  private readonly handlers: LocalHandlers;
  private readonly deadlines = new Deadlines();

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly remote: RemoteModules,
    private readonly registry: MessageRegistry,
    private readonly topology: Topology,
    private readonly timeoutMs: number,
    private readonly observer: SeamObserver = SeamObserver.standalone(),
    private readonly shadows?: ShadowRuns,
  ) {
    super();
    this.handlers = new LocalHandlers(commands, queries);
  }

  send<TResult>(command: Command<TResult>): Promise<TResult> {
    const route = this.routeOf(command, 'command');
    // A command is an effect the sender's transaction cannot roll back (see ModuleDatabase.transaction).
    RequestContexts.sideEffect(route.wire);
    const answer = route.local ? this.local(route, command) : this.request(route, 'command', command);
    return (route.answers ? answer.then((value) => answered(route, value, route.local)) : answer) as Promise<TResult>;
  }

  ask<TResult>(query: Query<TResult>): Promise<TResult> {
    const route = this.routeOf(query, 'query');
    if (route.shadow && this.shadows) {
      const admitted = route.admit(query);
      if (admitted instanceof Refused) return this.refuse(route, new InvalidMessageError(route.wire, admitted.issues), query);
      const answer = this.local(route, query) as Promise<TResult>;
      this.shadows.compare(route.module, envelopeOf('query', route.wire, query, this.timeoutMs), answer);
      return answer;
    }
    const answer = route.local ? this.local(route, query) : this.request(route, 'query', query);
    return (route.answers ? answer.then((value) => answered(route, value, route.local)) : answer) as Promise<TResult>;
  }

  /**
   * Dispatches to the handler in this process under the same deadline a remote call gets
   * (the caller's, or `SEAMS_TIMEOUT_MS` from now, whichever comes first): the caller gets
   * `seam.timeout` at the deadline, and the handler's transaction rolls back if it would
   * commit later, exactly as in a module host. A module behaves the same wherever it runs.
   */
  private local(route: Route, sent: object): Promise<unknown> {
    // The handler gets what a module host's handler would get: the message itself when it is its
    // own parse (the usual case: no copy), else the contract's parsed copy as a message.
    const admitted = route.admit(sent);
    if (admitted instanceof Refused) return this.refuse(route, new InvalidMessageError(route.wire, admitted.issues), sent);
    const message = admitted === sent ? sent : (Object.assign(Object.create(route.type.prototype as object) as object, admitted) as object);
    const dispatch = route.dispatch ?? this.dispatchOf(route);
    const context = RequestContexts.current();
    // Work that acts for nobody is refused, as a module host refuses a message sealed for nobody.
    if (!context?.principal) return this.refuse(route, noPrincipal(route.wire), message);
    const now = Date.now();
    const own = now + this.timeoutMs;
    if (context?.deadline !== undefined && context.deadline <= own) {
      if (context.deadline <= now) return this.refuse(route, new SeamTimeoutError(`${route.wire} (its deadline had passed before it was sent)`), message);
      return this.bounded(route, dispatch, message, context.deadline, undefined);
    }
    return this.bounded(route, dispatch, message, own, context ? { ...context, deadline: own } : { correlationId: nextCorrelationId(), deadline: own });
  }

  /**
   * Runs the handler (in `context` when given) and answers its result, or `seam.timeout` at
   * `deadline`, observed. The path of every local call, so it makes one promise of its own: it
   * settles it from the handler's outcome or from the deadlines' sweeper, and records the
   * outcome itself (no second `.then` for the observer, no timer per call). With tracing on,
   * the observer's span wraps it instead.
   */
  private bounded(route: Route, dispatch: LocalDispatch, message: object, deadline: number, context: RequestContext | undefined): Promise<unknown> {
    const run = (m: object) => (context ? RequestContexts.run(context, () => dispatch(m)) : dispatch(m));
    if (tracingEnabled()) {
      const mapped = (m: object) => run(m).catch((failure: unknown) => Promise.reject(asUnavailable(failure) ?? asConflict(failure) ?? failure));
      return this.observer.observeLocal(route.observed, (m) => this.deadlines.bound(mapped(m), deadline, route.wire), message);
    }
    const started = performance.now();
    const work = run(message);
    return new Promise((resolve, reject) => {
      const call = this.deadlines.track(deadline, route.wire, (error) => {
        this.observer.recordLocal(route.observed, started, { error });
        reject(error);
      });
      work.then(
        (value) => {
          this.deadlines.untrack(call);
          this.observer.recordLocal(route.observed, started);
          resolve(value);
        },
        (failure: unknown) => {
          this.deadlines.untrack(call);
          // As a module host answers them: a database out of reach, a duplicate key nobody caught.
          const error = asUnavailable(failure) ?? asConflict(failure) ?? failure;
          this.observer.recordLocal(route.observed, started, { error });
          reject(error);
        },
      );
    });
  }

  /** A message that does not fit its contract: the typed error, observed like any other outcome, and no handler runs. */
  private refuse<TResult>(route: Route, error: DomainError, message: object): Promise<TResult> {
    return this.observer.observeLocal(route.observed, () => Promise.reject(error), message);
  }

  /**
   * The handler of a local route, kept on the route once found. Until the buses have
   * registered their handlers (application bootstrap), messages go through the bus itself.
   */
  private dispatchOf(route: Route): LocalDispatch {
    const kind = route.kind === 'query' ? 'query' : 'command';
    const dispatch = this.handlers.dispatchOf(route.type, kind);
    if (dispatch) return (route.dispatch = dispatch);
    // async: a bus that throws at once (no handler) rejects, as the direct path does.
    return kind === 'query' ? async (message) => this.queries.execute(message as Query<unknown>) : async (message) => this.commands.execute(message as Command<unknown>);
  }

  private request(route: Route, kind: MessageKind, message: object): Promise<unknown> {
    // Refused here as the host would refuse it (its contract's parse of the JSON), never sent.
    const admitted = route.admit(message);
    if (admitted instanceof Refused) return this.refuse(route, new InvalidMessageError(route.wire, admitted.issues), message);
    const envelope = envelopeOf(kind, route.wire, message, this.timeoutMs);
    if (route.idempotencyKey === undefined) return this.remote.request(route.module, envelope);
    const key = (message as Record<string, unknown>)[route.idempotencyKey];
    return this.remote.request(route.module, key === undefined || key === null ? envelope : { ...envelope, idempotencyKey: String(key) });
  }

  private routeOf(message: object, kind: MessageKind): Route {
    const type = message.constructor;
    let route = this.routes.get(type);
    if (!route) {
      const wire = (type as Partial<MessageClass>).wire;
      if (typeof wire !== 'string' || (this.registry.find(wire) as unknown) !== type) {
        throw new Error(`${type.name} is not a message of any module's contract`);
      }
      const module = wire.split('.')[0];
      const local = this.topology.isLocal(module);
      const idempotencyKey = kind === 'command' ? (type as Partial<MessageClass>).idempotencyKey : undefined;
      const shadow = kind === 'query' && this.topology.isShadow(module);
      route = {
        type: type as unknown as MessageClass,
        kind,
        wire,
        module,
        local,
        idempotencyKey,
        shadow,
        admit: admitterOf((type as unknown as MessageClass).schema),
        answers: isSchema((type as unknown as MessageClass).answer),
        observed: this.observer.route(module, wire, kind, local ? 'local' : 'remote', 'send'),
      };
      this.routes.set(type, route);
    }
    return route;
  }
}

/**
 * The answer as the caller gets it, on both paths alike: plain data (in process, a JSON copy of
 * what the handler returned, as a module host's answer arrives), checked against the
 * contract's answer schema: `seam.bad-answer` when it does not fit, never the raw value.
 */
function answered(route: Route, value: unknown, local: boolean): unknown {
  const plain = local && value !== undefined ? (JSON.parse(JSON.stringify(value)) as unknown) : value;
  const issues = answerIssues(route.type, plain);
  if (issues) throw new SeamBadAnswerError(route.wire, issues);
  return plain;
}

import { Injectable, Logger, Optional } from '@nestjs/common';
import { CommandBus, CommandHandlerNotFoundException, QueryBus, QueryHandlerNotFoundException } from '@nestjs/cqrs';
import { kindOf, type MessageClass, validate } from '../primitives';
import { SeamObserver } from '../observability/seam-observer';
import { SeamSecurity } from '../security/seam-security';
import { ENVELOPE_VERSION, type Envelope, type Reply, SEAM_PING } from './envelope';
import { EventDispatcher } from './event-dispatcher';
import { MessageRegistry } from './manifest';
import { type LocalDispatch, LocalHandlers } from './local-handlers';
import { errorToWire } from './remote-modules';
import { RequestContexts } from '../context';
import { answerIssues, InvalidMessageError, SeamBadAnswerError, SeamTimeoutError, SeamUnavailableError, UnknownMessageError } from './seam-errors';

/**
 * The receiving side of the seam: checks each envelope and its payload against the
 * message's contract, then runs the message in the sender's context (correlation, deadline,
 * identity). It always answers with a `Reply`; nothing a sender puts on the wire makes it
 * throw.
 */
@Injectable()
export class SeamReceiver {
  private readonly logger = new Logger('Seam');
  private readonly observer: SeamObserver;
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | undefined;
  private readonly handlers: LocalHandlers;
  private readonly dispatches = new Map<MessageClass, LocalDispatch>();

  constructor(
    private readonly registry: MessageRegistry,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly dispatcher: EventDispatcher,
    private readonly security: SeamSecurity,
    @Optional() observer?: SeamObserver,
  ) {
    this.observer = observer ?? SeamObserver.standalone();
    this.handlers = new LocalHandlers(commands, queries);
  }

  async receive(module: string, raw: unknown): Promise<Reply> {
    const envelope = raw as Partial<Envelope> | null;
    const name = typeof envelope?.name === 'string' ? envelope.name.slice(0, 100) : undefined;
    if (name === SEAM_PING) return this.pong(module, envelope);
    if (this.draining) return this.refuse(module);
    const label = `${name ?? '(no name)'} for ${module}`;
    const type = name === undefined ? undefined : this.registry.find(name);
    // Unknown names share one series, so a sender cannot grow the metrics with made-up names.
    const route = this.observer.handledRoute(module, type ? name! : '(unknown)', type ? kindOf(type) : 'unknown');
    const correlationId = typeof envelope?.correlationId === 'string' ? envelope.correlationId.slice(0, 200) : undefined;
    const traceContext = typeof envelope?.traceparent === 'string' ? { traceparent: envelope.traceparent, tracestate: envelope.tracestate } : undefined;
    this.inFlight++;
    try {
      const handle = () => this.observer.observe(route, () => this.handle(module, envelope), traceContext);
      // The log lines of a rejected envelope still carry the id it claimed, when it is a string.
      const result = correlationId ? await RequestContexts.run({ correlationId }, handle) : await handle();
      return { ok: true, result };
    } catch (error) {
      const wire = errorToWire(error, label);
      if (wire.kind === 'internal') {
        this.logger.error(`handling ${label} failed [correlation ${correlationId ?? 'none'}]`, (error as Error)?.stack ?? String(error));
      }
      return { ok: false, error: wire };
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  /**
   * Stops taking messages (each new one, and the ping, gets `seam.unavailable`, so callers
   * fail over or retry) and resolves once those under way are answered, or after `timeoutMs`.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The seam's ping: answered without the module, but only to a process of this deployment. */
  private async pong(module: string, envelope: Partial<Envelope> | null): Promise<Reply> {
    try {
      this.security.credentials.open(envelope ?? {});
    } catch (error) {
      return { ok: false, error: errorToWire(error, `ping for ${module}`) };
    }
    return this.draining ? this.refuse(module) : { ok: true, result: { module } };
  }

  private refuse(module: string): Reply {
    // `refused`: nothing of the message ran here, so the sender may take it to another replica.
    return { ok: false, error: errorToWire(new SeamUnavailableError(module, 'its host is shutting down', { refused: true }), module) };
  }

  /**
   * Checks the envelope, then who sent it and for whom (the sender's service credential; the
   * end user's token again when there is one), then runs the message in the sender's context
   * with that principal, so handlers authorise by the end user.
   */
  private async handle(module: string, envelope: Partial<Envelope> | null): Promise<unknown> {
    const { type, payload } = this.open(module, envelope);
    const open = envelope as Envelope;
    const principal = await this.security.principalOf(open);
    const message = Object.assign(Object.create(type.prototype as object) as object, payload);
    return RequestContexts.run(
      {
        correlationId: open.correlationId,
        messageId: open.id,
        causationId: open.causationId,
        deadline: open.deadline,
        identity: open.identity,
        principal,
      },
      // The answer is checked here too, before it leaves: a host never sends what its contract refuses.
      () =>
        this.execute(module, type, message, open.id).then((value) => {
          const issues = answerIssues(type, value);
          if (issues) throw new SeamBadAnswerError(type.wire, issues);
          return value;
        }),
    );
  }

  /** The message class and the cleaned payload, or a typed error saying what is wrong. */
  private open(module: string, envelope: Partial<Envelope> | null): { type: MessageClass; payload: object } {
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      throw new UnknownMessageError('The message is not a seam envelope (expected a JSON object)');
    }
    if (envelope.v !== ENVELOPE_VERSION) {
      throw new UnknownMessageError(`Unsupported envelope version ${JSON.stringify(envelope.v)}; expected ${ENVELOPE_VERSION}`);
    }
    for (const key of ['name', 'id', 'correlationId'] as const) {
      if (typeof envelope[key] !== 'string' || envelope[key].length === 0 || envelope[key].length > 200) {
        throw new UnknownMessageError(`The envelope's ${key} must be a non-empty string of at most 200 characters`);
      }
    }
    if (typeof envelope.deadline !== 'number' || !Number.isFinite(envelope.deadline)) {
      throw new UnknownMessageError("The envelope's deadline must be a time in epoch milliseconds");
    }
    for (const key of ['causationId', 'identity', 'service', 'idempotencyKey', 'traceparent', 'tracestate'] as const) {
      if (envelope[key] !== undefined && (typeof envelope[key] !== 'string' || envelope[key].length > 8192)) {
        throw new UnknownMessageError(`The envelope's ${key} must be a string (of at most 8192 characters) when present`);
      }
    }
    const type = this.registry.find(envelope.name!);
    const served = type && (kindOf(type) === 'event' ? this.registry.manifest(module)?.subscribes.includes(type) : envelope.name!.startsWith(`${module}.`));
    if (!type || !served) {
      throw new UnknownMessageError(`The ${module} module neither serves nor subscribes to "${envelope.name}"`, {
        name: envelope.name,
      });
    }
    if (envelope.kind !== kindOf(type)) {
      throw new UnknownMessageError(`${envelope.name} is a ${kindOf(type)}, not a ${String(envelope.kind)}`);
    }
    if (Date.now() > envelope.deadline) throw new SeamTimeoutError(`${envelope.name} (arrived after its deadline)`);
    // The same check as every local path (`invalidPayload`, through the schema's
    // `~standard.validate`), keeping the cleaned value: keys
    // the contract does not know never reach the handler.
    const checked = validate(type.schema, envelope.payload);
    if (!checked.ok) throw new InvalidMessageError(envelope.name!, checked.issues);
    return { type, payload: checked.value as object };
  }

  /** Through the bus itself (it throws at once when it has no handler). */
  private async viaBus(kind: 'command' | 'query', message: object): Promise<unknown> {
    return kind === 'command' ? this.commands.execute(message as never) : this.queries.execute(message as never);
  }

  private execute(module: string, type: MessageClass, message: object, id: string): Promise<unknown> {
    const kind = kindOf(type);
    if (kind !== 'event') {
      // The handler directly, as the sending side's seam does in process (see LocalHandlers).
      let dispatch = this.dispatches.get(type);
      if (!dispatch) {
        dispatch = this.handlers.dispatchOf(type, kind);
        if (dispatch) this.dispatches.set(type, dispatch);
      }
      if (dispatch) return dispatch(message);
    }
    switch (kind) {
      case 'command':
      case 'query':
        // No handler yet: the host's buses register them when the application bootstraps,
        // and a transport started before that would take messages first. Nothing ran, so
        // the sender gets `seam.unavailable` (503, worth a retry), not a failure.
        return this.viaBus(kind, message).catch((error: unknown) => {
          if (error instanceof CommandHandlerNotFoundException || error instanceof QueryHandlerNotFoundException) {
            throw new SeamUnavailableError(module, `it has no handler for ${type.wire} yet (still starting)`);
          }
          throw error;
        });
      case 'event':
        // The envelope id of an event is its outbox id: the same on every redelivery. Its
        // payload was checked against the contract on arrival (`checked`), not again here.
        return this.dispatcher.dispatchTo(module, type.wire, message, id, true).then(() => undefined);
    }
  }
}

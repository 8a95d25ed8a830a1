import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { kindOf, type MessageClass, validate } from '../primitives';
import { ENVELOPE_VERSION, type Envelope, type Reply } from './envelope';
import { EventDispatcher } from './event-dispatcher';
import { MessageRegistry } from './manifest';
import { errorToWire } from './remote-modules';
import { RequestContexts } from './request-context';
import { InvalidMessageError, SeamTimeoutError, UnknownMessageError } from './seam-errors';

/**
 * The receiving side of the seam: checks each envelope and its payload against the
 * message's contract, then runs the message in the sender's context (correlation, deadline,
 * identity). It always answers with a `Reply`; nothing a sender puts on the wire makes it
 * throw.
 */
@Injectable()
export class SeamReceiver {
  private readonly logger = new Logger('Seam');
  private readonly logging = Logger.isLevelEnabled('log');

  constructor(
    private readonly registry: MessageRegistry,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly dispatcher: EventDispatcher,
  ) {}

  async receive(module: string, raw: unknown): Promise<Reply> {
    const started = performance.now();
    const envelope = raw as Partial<Envelope> | null;
    const label = `${typeof envelope?.name === 'string' ? envelope.name.slice(0, 100) : '(no name)'} for ${module}`;
    try {
      const { type, payload } = this.open(module, envelope);
      const open = envelope as Envelope;
      const message = Object.assign(Object.create(type.prototype as object) as object, payload);
      const result = await RequestContexts.run(
        {
          correlationId: open.correlationId,
          messageId: open.id,
          causationId: open.causationId,
          deadline: open.deadline,
          identity: open.identity,
        },
        () => this.execute(module, type, message, open.id),
      );
      if (this.logging) {
        this.logger.log(`handled ${label}: ok in ${(performance.now() - started).toFixed(1)} ms [correlation ${open.correlationId}]`);
      }
      return { ok: true, result };
    } catch (error) {
      const wire = errorToWire(error, label);
      const correlation = typeof envelope?.correlationId === 'string' ? envelope.correlationId.slice(0, 100) : 'none';
      if (wire.kind === 'internal') {
        this.logger.error(`handling ${label} failed [correlation ${correlation}]`, (error as Error)?.stack ?? String(error));
      } else if (this.logging) {
        this.logger.log(`handled ${label}: ${wire.code} in ${(performance.now() - started).toFixed(1)} ms [correlation ${correlation}]`);
      }
      return { ok: false, error: wire };
    }
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
    for (const key of ['causationId', 'identity'] as const) {
      if (envelope[key] !== undefined && typeof envelope[key] !== 'string') {
        throw new UnknownMessageError(`The envelope's ${key} must be a string when present`);
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
    const checked = validate(type.schema, envelope.payload);
    if (!checked.ok) throw new InvalidMessageError(envelope.name!, checked.issues);
    return { type, payload: checked.value as object };
  }

  private execute(module: string, type: MessageClass, message: object, id: string): Promise<unknown> {
    switch (kindOf(type)) {
      case 'command':
        return this.commands.execute(message as never);
      case 'query':
        return this.queries.execute(message as never);
      case 'event':
        // The envelope id of an event is its outbox id: the same on every redelivery.
        return this.dispatcher.dispatchTo(module, type.wire, message, id);
    }
  }
}

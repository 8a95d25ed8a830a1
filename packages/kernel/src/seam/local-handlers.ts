import 'reflect-metadata';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { MessageClass } from '../primitives';

/** Runs one message in this process: the `@nestjs/cqrs` handler's own `execute`, with the bus's stream kept informed. */
export type LocalDispatch = (message: object) => Promise<unknown>;

type Bus = CommandBus | QueryBus;
type Publisher = { publish(message: object): unknown; subject$?: unknown };

/** Where `@CommandHandler` / `@QueryHandler` record a message class's id (see @nestjs/cqrs's decorators/constants). */
const ID_METADATA = { command: '__command__', query: '__query__' } as const;

/**
 * The handlers of this process's commands and queries, looked up once per message class.
 *
 * `CommandBus.execute` reads the message's reflect metadata, finds the handler by id and
 * publishes the message to the bus's stream on every call; that is most of its cost for a
 * handler that answers at once, and the seam already knows the class of each message it
 * routes. So the seam takes the bus's own handler function (request-scoped handlers keep
 * their resolution by context) once, and calls it directly. The bus's stream stays
 * complete: the message is published whenever anyone can see it (a subscriber to the bus,
 * or a publisher other than the default in-memory one).
 *
 * The handler table is not public API of @nestjs/cqrs: when it is missing or has no entry
 * for a class (a new version of the package, or a message sent before bootstrap registered
 * the handlers), `dispatchOf` answers `undefined` and the caller goes through the bus, so the
 * result is the same, only slower. test/seam/local-dispatch.spec.ts fails if that happens.
 */
export class LocalHandlers {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** The direct dispatch of `type`'s messages, or `undefined` when the bus has no handler for it (yet). */
  dispatchOf(type: MessageClass, kind: 'command' | 'query'): LocalDispatch | undefined {
    const bus: Bus = kind === 'command' ? this.commands : this.queries;
    const id = (Reflect.getMetadata(ID_METADATA[kind], type) as { id?: unknown } | undefined)?.id;
    const table = (bus as unknown as { handlers?: unknown }).handlers;
    const handler = typeof id === 'string' && table instanceof Map ? (table.get(id) as unknown) : undefined;
    if (typeof handler !== 'function') return undefined;
    const execute = handler as (message: object) => unknown;
    const stream = bus.subject$;
    return (message) => {
      const publisher = bus.publisher as unknown as Publisher;
      if (stream.observed || publisher.subject$ !== stream) publisher.publish(message);
      try {
        const result = execute(message);
        return result instanceof Promise ? result : Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }
}

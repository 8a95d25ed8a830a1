import { isSchema, type Schema } from './schema';

/**
 * The kernel's message primitives. A module's `contract/` declares its public messages by
 * extending one of these and giving the class
 *   - a stable wire name with a version: `static readonly wire = 'notes.add-note.v1'`
 *   - the schema of its payload: `static readonly schema = payload` (a `z.object({ ... })`)
 *   - `implements Infer<typeof payload>`, so the compiler checks the class carries the fields
 * The wire name, not the class, identifies a message across a process boundary; the schema
 * is what every path validates before any handler sees the message.
 *
 * Messages are readonly data: no behaviour, no framework types in their fields. These classes
 * import nothing from NestJS, so a contract loads in plain Node or TypeScript. The @nestjs/cqrs
 * buses need no base class of theirs: they find a handler by the message's class (registered
 * with @CommandHandler / @QueryHandler). The seam layer teaches their `execute` the result type
 * (`@seams/kernel/seam`, cqrs-typing.ts).
 */
declare const RESULT: unique symbol;

export abstract class Command<TResult> {
  /** Type-level only: what handling the command answers. */
  declare readonly [RESULT]?: (result: TResult) => TResult;
}

export abstract class Query<TResult> {
  /** Type-level only: what the query answers. */
  declare readonly [RESULT]?: (result: TResult) => TResult;
}

/** An integration event: a fact a module publishes after its state changed. */
export abstract class IntegrationEvent {}

export type MessageKind = 'command' | 'query' | 'event';

/** The static side every published message class carries. */
export interface MessageClass<T = unknown> {
  readonly wire: string;
  readonly schema: Schema;
  /**
   * Events only: the payload field naming the aggregate the event is about (e.g. `noteId`).
   * Events of one aggregate reach each subscriber in the order they were published.
   */
  readonly aggregate?: string;
  /**
   * Commands only: the payload field whose value makes the command idempotent (e.g. `noteId`
   * when the handler does nothing for a note it has already handled). Declaring it promises
   * that sending the command twice with the same value has the effect of sending it once, so
   * the seam may retry the command when its module was unreachable, as it does queries.
   */
  readonly idempotencyKey?: string;
  /**
   * Commands and queries: the schema of the answer (`nothing` for one that answers nothing).
   * Checked on every path, in process and across a process, so a handler's answer that breaks
   * it fails the same way everywhere (`seam.bad-answer`), and snapshotted in `contracts/`, so a
   * breaking change to an answer is caught like one to a payload.
   */
  readonly answer?: Schema;
  readonly prototype: T;
}

const WIRE_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;

/** `notes.add-note.v1` → `{ module: 'notes', name: 'add-note', version: 1 }`. */
export function parseWireName(wire: string): { module: string; name: string; version: number } {
  if (!WIRE_NAME.test(wire)) {
    throw new Error(`"${wire}" is not a wire name of the form <module>.<message>.v<version>`);
  }
  const [module, name, version] = wire.split('.');
  return { module, name, version: Number(version.slice(1)) };
}

/** The kind of a message class, from the primitive it extends. */
export function kindOf(type: MessageClass): MessageKind {
  if (type.prototype instanceof Command) return 'command';
  if (type.prototype instanceof Query) return 'query';
  if (type.prototype instanceof IntegrationEvent) return 'event';
  throw new Error(`${(type as unknown as { name: string }).name} is not a Command, Query or IntegrationEvent`);
}

/** Whether `value` is a message class of a contract (it has a wire name and a schema). */
export function isMessageClass(value: unknown): value is MessageClass {
  return (
    typeof value === 'function' &&
    typeof (value as Partial<MessageClass>).wire === 'string' &&
    isSchema((value as Partial<MessageClass>).schema)
  );
}

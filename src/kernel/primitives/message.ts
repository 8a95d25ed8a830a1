import { Command as CqrsCommand, Query as CqrsQuery } from '@nestjs/cqrs';

/**
 * The kernel's message primitives. A module's `contract/` declares its public messages by
 * extending one of these and giving the class a stable wire name with a version, e.g.
 * `static readonly wire = 'inventory.reserve-stock.v1'`. The wire name, not the class, is
 * what identifies a message across a process boundary.
 *
 * Messages are readonly data: no behaviour, no framework types in their fields.
 */
export abstract class Command<TResult> extends CqrsCommand<TResult> {}

export abstract class Query<TResult> extends CqrsQuery<TResult> {}

/** An integration event: a fact a module publishes after its state changed. */
export abstract class IntegrationEvent {}

export type MessageKind = 'command' | 'query' | 'event';

/** The static side every published message class carries. */
export interface MessageClass<T = unknown> {
  readonly wire: string;
  new (...args: never[]): T;
}

const WIRE_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;

/** `inventory.reserve-stock.v1` → `{ module: 'inventory', name: 'reserve-stock', version: 1 }`. */
export function parseWireName(wire: string): { module: string; name: string; version: number } {
  if (!WIRE_NAME.test(wire)) {
    throw new Error(`"${wire}" is not a wire name of the form <module>.<message>.v<version>`);
  }
  const [module, name, version] = wire.split('.');
  return { module, name, version: Number(version.slice(1)) };
}

/** The wire name of a message instance (its class's static `wire`). */
export function wireNameOf(message: object): string {
  const wire = (message.constructor as Partial<MessageClass>).wire;
  if (typeof wire !== 'string') {
    throw new Error(`${message.constructor.name} has no static wire name; is it a contract message?`);
  }
  return wire;
}

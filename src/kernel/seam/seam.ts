import type { Command, IntegrationEvent, Query } from '../primitives';

/**
 * The one abstraction modules use to talk to each other. A caller sends a command, asks a
 * query or (through its unit of work) publishes events; it never knows whether the module
 * on the other side runs in this process or in another one.
 *
 * The implementation is `RoutingSeam`: the `@nestjs/cqrs` buses for modules in this process,
 * an envelope over a transport for modules elsewhere, chosen per module by configuration;
 * no caller changes either way.
 */
export abstract class Seam {
  abstract send<TResult>(command: Command<TResult>): Promise<TResult>;

  abstract ask<TResult>(query: Query<TResult>): Promise<TResult>;

  /**
   * Hands committed events to their subscribers. Modules do not call this directly: they
   * publish through `ModuleDatabase.transaction`, so an event exists only if its state
   * change was committed.
   */
  abstract publish(events: readonly IntegrationEvent[]): Promise<void>;
}

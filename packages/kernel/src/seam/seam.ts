import type { Command, Query } from '../primitives';

/**
 * The one abstraction modules use to talk to each other. A caller sends a command or asks a
 * query (events are published through `ModuleDatabase.transaction`, into the outbox, and the
 * relay delivers them); it never knows whether the module
 * on the other side runs in this process or in another one.
 *
 * The implementation is `RoutingSeam`: the `@nestjs/cqrs` buses for modules in this process,
 * an envelope over a transport for modules elsewhere, chosen per module by configuration;
 * no caller changes either way.
 */
export abstract class Seam {
  abstract send<TResult>(command: Command<TResult>): Promise<TResult>;

  abstract ask<TResult>(query: Query<TResult>): Promise<TResult>;
}

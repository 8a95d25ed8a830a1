import type { IntegrationEvent } from '../primitives';

/**
 * What a unit of work hands its work besides the repositories: where its events go. They are
 * written to the module's outbox in the same transaction, so they exist if and only if it
 * commits, and the relay delivers them to every subscriber.
 */
export interface UnitOfWorkScope {
  publish(...events: IntegrationEvent[]): void;
}

/**
 * The port an application handler sees instead of a database: `run(work)` gives `work` the
 * module's repositories bound to one transaction, and `publish`. Everything the kernel
 * guarantees for a transaction holds for it (see `ModuleDatabase.transaction`): the inbox claim
 * of a delivered event in the same commit, the outbox in the same transaction, joining a relay
 * batch, rollback when the message's deadline has passed, and running `work` again, with fresh
 * repositories, when PostgreSQL rolled it back for a deadlock or a serialization failure.
 *
 * `Repositories` is the module's own set of repository ports (for instance
 * `{ notes: NoteRepository; tags: TagRepository }`); it may not use the name
 * `publish`. Nothing here names an ORM: handlers and their unit tests never see one.
 */
export interface UnitOfWork<Repositories extends object> {
  run<T>(work: (scope: Repositories & UnitOfWorkScope) => Promise<T>): Promise<T>;
}

/** The repositories of `UnitOfWork<R>`'s scope, for a test fake or a handler's type. */
export type ScopeOf<U> = U extends UnitOfWork<infer R> ? R & UnitOfWorkScope : never;

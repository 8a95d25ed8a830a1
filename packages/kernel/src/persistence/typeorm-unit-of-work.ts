import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ModuleDatabase } from './module-database';
import type { UnitOfWork, UnitOfWorkScope } from './unit-of-work';

/** Builds a module's repositories on one entity manager: a transaction's, or the pool's. */
export type BindRepositories<Repositories extends object> = (manager: EntityManager) => Repositories;

/**
 * The TypeORM side of `UnitOfWork`: each run is one `ModuleDatabase.transaction`, and the
 * repositories are bound afresh to that transaction's manager on every attempt (a retried
 * transaction never reuses the manager of the one PostgreSQL rolled back).
 */
export class TypeOrmUnitOfWork<Repositories extends object> implements UnitOfWork<Repositories> {
  constructor(
    private readonly database: ModuleDatabase,
    private readonly bind: BindRepositories<Repositories>,
  ) {}

  run<T>(work: (scope: Repositories & UnitOfWorkScope) => Promise<T>): Promise<T> {
    return this.database.transaction(({ manager, publish }) => {
      const repositories = this.bind(manager);
      if ('publish' in repositories) throw new Error('A unit of work cannot have a repository named "publish"');
      return work({ ...repositories, publish });
    });
  }
}

/**
 * A Nest provider for a module's unit of work, bound to a token of the module's
 * `<module>.di-tokens.ts`: `provideUnitOfWork(NOTES_UNIT_OF_WORK, (m) => ({ notes: new TypeOrmNoteRepository(m) }))`.
 */
export function provideUnitOfWork<Repositories extends object>(
  token: InjectionToken,
  bind: BindRepositories<Repositories>,
): FactoryProvider<UnitOfWork<Repositories>> {
  return { provide: token, inject: [ModuleDatabase], useFactory: (database: ModuleDatabase) => new TypeOrmUnitOfWork(database, bind) };
}

/**
 * A Nest provider for a repository used outside any transaction (reads, or a single statement
 * that commits at once), bound to the module's connection pool.
 */
export function provideRepository<Repository>(
  token: InjectionToken,
  bind: (manager: EntityManager) => Repository,
): FactoryProvider<Repository> {
  return { provide: token, inject: [ModuleDatabase], useFactory: (database: ModuleDatabase) => bind(database.manager) };
}

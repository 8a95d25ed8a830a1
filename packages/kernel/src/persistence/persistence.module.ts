import { type DynamicModule, type FactoryProvider, Global, Module, type ModuleMetadata } from '@nestjs/common';
import { MessageRegistry } from '../seam';
import { DATABASE_SETTINGS, type DatabaseSettings, databaseSettings } from './database-settings';
import { DatabaseRegistry } from './database-registry';
import { ModuleDatabase, type ModulePersistenceOptions } from './module-database';

const MODULE_PERSISTENCE = Symbol('MODULE_PERSISTENCE');

export interface DatabaseAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly useFactory: (...args: never[]) => DatabaseSettings | Promise<DatabaseSettings>;
  readonly inject?: FactoryProvider['inject'];
}

/**
 * Host side: where the databases are. Imported once by the composition root:
 * `DatabaseModule.forRoot({ url, poolSize, moduleUrls, moduleRoles })`, or
 * `forRootAsync({ useFactory, inject })`. The options are checked at start.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(settings: DatabaseSettings): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE_SETTINGS, useValue: databaseSettings(settings) }, DatabaseRegistry],
      exports: [DATABASE_SETTINGS, DatabaseRegistry],
    };
  }

  static forRootAsync(options: DatabaseAsyncOptions): DynamicModule {
    const factory = options.useFactory as (...args: unknown[]) => DatabaseSettings | Promise<DatabaseSettings>;
    return {
      module: DatabaseModule,
      imports: options.imports ?? [],
      providers: [
        { provide: DATABASE_SETTINGS, inject: options.inject ?? [], useFactory: async (...args: unknown[]) => databaseSettings(await factory(...args)) },
        DatabaseRegistry,
      ],
      exports: [DATABASE_SETTINGS, DatabaseRegistry],
    };
  }
}

/**
 * Module side: `PersistenceModule.forModule({ module: 'notes', entities, migrations })`
 * gives that module (and only it) a `ModuleDatabase` on its own schema, migrated at start.
 */
@Module({})
export class PersistenceModule {
  static forModule(options: ModulePersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: MODULE_PERSISTENCE, useValue: options },
        {
          provide: ModuleDatabase,
          inject: [MODULE_PERSISTENCE, DATABASE_SETTINGS, MessageRegistry, DatabaseRegistry],
          useFactory: async (
            own: ModulePersistenceOptions,
            settings: DatabaseSettings,
            messages: MessageRegistry,
            registry: DatabaseRegistry,
          ) => {
            const database = await ModuleDatabase.open(own, settings, messages);
            registry.add(database);
            return database;
          },
        },
      ],
      exports: [ModuleDatabase],
    };
  }
}

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { MessageRegistry } from '../seam';
import { DATABASE_SETTINGS, type DatabaseSettings } from './database-settings';
import { DatabaseRegistry } from './database-registry';
import { ModuleDatabase, type ModulePersistenceOptions } from './module-database';

const MODULE_PERSISTENCE = Symbol('MODULE_PERSISTENCE');

/** Host side: where the databases are. Imported once by the composition root. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(settings: DatabaseSettings): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE_SETTINGS, useValue: settings }, DatabaseRegistry],
      exports: [DATABASE_SETTINGS, DatabaseRegistry],
    };
  }
}

/**
 * Module side: `PersistenceModule.forModule({ module: 'inventory', entities, migrations })`
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

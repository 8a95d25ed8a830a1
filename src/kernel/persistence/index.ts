export { DatabaseModule, PersistenceModule } from './persistence.module';
export { ModuleDatabase } from './module-database';
export type { ModulePersistenceOptions, Transaction } from './module-database';
export { DatabaseRegistry } from './database-registry';
export { DATABASE_SETTINGS, moduleUrlsFrom } from './database-settings';
export type { DatabaseSettings } from './database-settings';
export { startEmbeddedPostgres, ensureDatabase } from './embedded-postgres';
export type { EmbeddedServer } from './embedded-postgres';

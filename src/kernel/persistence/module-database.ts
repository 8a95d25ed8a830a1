import type { OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager, type EntitySchema, type MixedList } from 'typeorm';
import type { IntegrationEvent } from '../primitives';
import { RequestContexts, type Seam, SeamTimeoutError } from '../seam';
import { type DatabaseSettings, moduleDatabaseUrl } from './database-settings';

export interface ModulePersistenceOptions {
  /** The module's name; also the name of the PostgreSQL schema it owns. */
  readonly module: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function>;
}

/** What a unit of work sees: the transaction's entity manager and where its events go. */
export interface Transaction {
  readonly manager: EntityManager;
  /** Records events to publish; they leave the module only if the transaction commits. */
  publish(...events: IntegrationEvent[]): void;
}

/**
 * One module's own connection pool to its own schema. Nothing else holds a handle on it: a
 * module reaches another module's data only by asking that module through the seam.
 */
export class ModuleDatabase implements OnApplicationShutdown {
  private constructor(
    readonly module: string,
    readonly dataSource: DataSource,
    private readonly seam: Seam,
  ) {}

  static async open(
    options: ModulePersistenceOptions,
    settings: DatabaseSettings,
    seam: Seam,
  ): Promise<ModuleDatabase> {
    const dataSource = new DataSource({
      type: 'postgres',
      url: moduleDatabaseUrl(settings, options.module),
      schema: options.module,
      entities: options.entities,
      migrations: options.migrations,
      migrationsTableName: 'migrations',
      poolSize: settings.poolSize,
      applicationName: `seams:${options.module}`,
    });
    await dataSource.initialize();
    try {
      await migrate(dataSource, options.module);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
    return new ModuleDatabase(options.module, dataSource, seam);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Runs `work` in one database transaction. Events it publishes are handed on after the
   * commit, never before and never after a rollback. When the work belongs to a message whose
   * deadline passes before the commit, it is rolled back: the sender has already been told it
   * timed out, so it must not take effect behind its back.
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const events: IntegrationEvent[] = [];
    const deadline = RequestContexts.current()?.deadline;
    const result = await this.dataSource.transaction(async (manager) => {
      const value = await work({ manager, publish: (...published) => events.push(...published) });
      if (deadline !== undefined && Date.now() > deadline) {
        throw new SeamTimeoutError(`Work in ${this.module} (rolled back: its deadline passed)`);
      }
      return value;
    });
    await this.seam.publish(events);
    return result;
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Creates the module's schema and runs its pending migrations. An advisory lock keeps two
 * processes starting at once from migrating the same schema together.
 */
async function migrate(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const lock = `seams:migrate:${schema}`;
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]).catch(() => undefined);
    await runner.release();
  }
}

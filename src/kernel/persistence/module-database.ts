import type { OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager, type EntitySchema, type MixedList } from 'typeorm';
import type { IntegrationEvent } from '../primitives';
import { type MessageRegistry, RequestContexts, SeamTimeoutError } from '../seam';
import { type DatabaseSettings, moduleDatabaseUrl } from './database-settings';
import { messagingMigration } from './messaging-tables';
import { claimInbox, DuplicateDeliveryError, returnedRows, writeOutbox } from './outbox';

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
  /**
   * Publishes events: they are written to the module's outbox in this transaction, so they
   * exist if and only if it commits, and the relay delivers them to every subscriber.
   */
  publish(...events: IntegrationEvent[]): void;
}

/**
 * One module's own connection pool to its own schema. Nothing else holds a handle on it: a
 * module reaches another module's data only by asking that module through the seam.
 */
export class ModuleDatabase implements OnApplicationShutdown {
  private constructor(
    readonly module: string,
    /** The database's connection string (for the relay's LISTEN connection). */
    readonly url: string,
    readonly dataSource: DataSource,
    private readonly registry: MessageRegistry,
  ) {}

  static async open(
    options: ModulePersistenceOptions,
    settings: DatabaseSettings,
    registry: MessageRegistry,
  ): Promise<ModuleDatabase> {
    const url = moduleDatabaseUrl(settings, options.module);
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      schema: options.module,
      entities: options.entities,
      migrations: [messagingMigration(options.module), ...(options.migrations as never[])],
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
    return new ModuleDatabase(options.module, url, dataSource, registry);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Runs `work` in one database transaction, with the events it publishes written to the
   * outbox in that same transaction. When the work handles a delivered event, the event is
   * recorded in the inbox first, in the same commit, so a redelivery has no second effect.
   * When the work belongs to a message whose deadline passes before the commit, it is rolled
   * back: the sender has already been told it timed out, so it must not take effect behind
   * its back.
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const context = RequestContexts.current();
    const claim = context?.delivery?.module === this.module && !context.delivery.claimed ? context.delivery : undefined;
    const batch = context?.batch?.module === this.module ? context.batch : undefined;
    const inside = async (manager: EntityManager) => {
      if (claim) {
        const key = `${claim.eventId} ${claim.handler}`;
        if (batch?.handledBefore.has(key)) throw new DuplicateDeliveryError(`${claim.handler} has already handled event ${claim.eventId}`);
        if (!batch?.claimed.has(key)) await claimInbox(manager, this.module, claim);
      }
      const events: IntegrationEvent[] = [];
      const value = await work({ manager, publish: (...published) => events.push(...published) });
      if (events.length > 0) await writeOutbox(manager, this.module, this.registry, events);
      if (context?.deadline !== undefined && Date.now() > context.deadline) {
        throw new SeamTimeoutError(`Work in ${this.module} (rolled back: its deadline passed)`);
      }
      return value;
    };
    // Inside a relay batch for this module the work joins the batch's transaction. A joined
    // transaction that fails cannot roll back on its own, so it spoils the whole batch (which
    // then rolls back, and the relay hands the events over one by one), even if the caller
    // catches the error.
    let result: T;
    if (batch) {
      try {
        result = await inside(batch.manager as EntityManager);
      } catch (error) {
        if (!(error instanceof DuplicateDeliveryError)) batch.poisoned = true;
        throw error;
      }
    } else {
      result = await this.dataSource.transaction(inside);
    }
    if (claim) claim.claimed = true;
    return result;
  }

  /**
   * Runs `work` (the handling of several delivered events) in one transaction that every
   * `transaction()` of this module inside it joins: one commit for the lot instead of one per
   * event. If anything fails, all of it rolls back; the relay then hands the events over one
   * by one.
   */
  batch<T>(inbox: readonly { eventId: string; handler: string }[], work: () => Promise<T>): Promise<T> {
    const context = RequestContexts.current();
    return this.dataSource.transaction(async (manager) => {
      // The whole batch's inbox records in one statement; those already there were handled before.
      const claimed = returnedRows<{ key: string }>(
        await manager.query(
          `INSERT INTO "${this.module}".seams_inbox (event_id, handler)
           SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING
           RETURNING event_id || ' ' || handler AS key`,
          [inbox.map((entry) => entry.eventId), inbox.map((entry) => entry.handler)],
        ),
      );
      const claimedKeys = new Set(claimed.map((row) => row.key));
      const handledBefore = new Set(inbox.map((e) => `${e.eventId} ${e.handler}`).filter((key) => !claimedKeys.has(key)));
      const batch = { module: this.module, manager, claimed: claimedKeys, handledBefore, poisoned: false };
      const result = await RequestContexts.run({ ...(context ?? { correlationId: 'batch' }), batch }, work);
      if (batch.poisoned) throw new Error(`A transaction in a batch of ${this.module} failed; the batch is rolled back`);
      return result;
    });
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

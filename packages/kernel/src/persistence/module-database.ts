import { createHmac } from 'node:crypto';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager, type EntitySchema, type MixedList, type QueryRunner } from 'typeorm';
import { DomainError, type IntegrationEvent, type MessageClass } from '../primitives';
import { RequestContexts } from '../context';
import { invalidPayload, type MessageRegistry, SeamTimeoutError } from '../seam';
import { type DatabaseSettings, DEFAULT_ACQUIRE_TIMEOUT_MS, moduleDatabaseUrl } from './database-settings';
import { deliveryFailuresMigration, messagingMigration, parkedOrderMigration, pendingAgeMigration, replayMigration, traceContextMigration } from './messaging-tables';
import { claimInbox, DuplicateDeliveryError, returnedRows, writeOutbox } from './outbox';

const logger = new Logger('Database');

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

  /**
   * Migrates the module's schema with the configured connection, makes sure the module's own
   * role exists with rights on that schema only, and opens the module's pool as that role
   * (or with the configured connection, when roles are off or the server does not let us
   * make them).
   */
  static async open(
    options: ModulePersistenceOptions,
    settings: DatabaseSettings,
    registry: MessageRegistry,
  ): Promise<ModuleDatabase> {
    const adminUrl = moduleDatabaseUrl(settings, options.module);
    const dataSourceFor = (url: string, poolSize: number) =>
      new DataSource({
        type: 'postgres',
        url,
        schema: options.module,
        entities: options.entities,
        migrations: [messagingMigration(options.module), parkedOrderMigration(options.module), traceContextMigration(options.module), deliveryFailuresMigration(options.module), pendingAgeMigration(options.module), replayMigration(options.module), ...(options.migrations as never[])],
        migrationsTableName: 'migrations',
        poolSize,
        applicationName: `seams:${options.module}`,
        // pg's pool applies this both to opening a connection and to waiting for a free one:
        // past it the wait fails ("timeout exceeded when trying to connect", a 503) instead of hanging.
        extra: { connectionTimeoutMillis: settings.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS, onConnect: guardConnection(options.module) },
      });
    // Two connections: one holds the migration lock while TypeORM migrates on the other.
    const admin = dataSourceFor(adminUrl, 2);
    await admin.initialize();
    let roleUrl: string | undefined;
    try {
      roleUrl = await migrate(admin, options.module, settings.moduleRoles !== false ? { adminUrl, secret: settings.roleSecret } : undefined);
    } finally {
      await admin.destroy();
    }
    if (roleUrl) {
      const own = dataSourceFor(roleUrl, settings.poolSize);
      try {
        await own.initialize();
        return new ModuleDatabase(options.module, roleUrl, own, registry);
      } catch (error) {
        // Never the configured (admin) connection instead: that would give the module rights on every schema, silently.
        throw new ModuleRoleError(options.module, new URL(roleUrl).username, (error as Error).message);
      }
    }
    const shared = dataSourceFor(adminUrl, settings.poolSize);
    await shared.initialize();
    return new ModuleDatabase(options.module, adminUrl, shared, registry);
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
    // The inbox record guards one transaction: a second one in the same handling would run
    // again on a redelivery (the first finds the record and stops the handler), so it is refused.
    if (context?.delivery?.module === this.module && context.delivery.claimed && !context.batch) {
      throw new SecondTransactionError(context.delivery.handler, context.delivery.eventId);
    }
    const batch = context?.batch?.module === this.module ? context.batch : undefined;
    const inside = async (manager: EntityManager) => {
      if (claim) {
        const key = `${claim.eventId} ${claim.handler}`;
        if (batch?.handledBefore.has(key)) throw new DuplicateDeliveryError(`${claim.handler} has already handled event ${claim.eventId}`);
        if (!batch?.claimed.has(key)) await claimInbox(manager, this.module, claim);
      }
      const events: IntegrationEvent[] = [];
      const publish = (...published: IntegrationEvent[]) => {
        // Refused here, inside the work, so the whole transaction rolls back: an event its
        // subscribers would refuse never reaches the outbox.
        for (const event of published) {
          const invalid = invalidPayload(event.constructor as unknown as MessageClass, event);
          if (invalid) throw invalid;
        }
        events.push(...published);
      };
      const value = await work({ manager, publish });
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
      // Each try counts what it did that a rollback cannot undo; such a try is not run again.
      const effects = { count: 0 } as { count: number; first?: string };
      const attempt = () => {
        effects.count = 0;
        effects.first = undefined;
        return RequestContexts.run({ ...(context ?? { correlationId: 'transaction' }), effects }, () => this.dataSource.transaction(inside));
      };
      result = await retryOnConflict(attempt, effects, this.module);
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
      // A batch is the one to give way: rather than hold its rows while it waits for one a
      // request holds (a deadlock PostgreSQL would break only after deadlock_timeout, maybe by
      // failing the request), it gives up quickly and the relay hands its events over one by one.
      await manager.query(`SET LOCAL lock_timeout = '${BATCH_LOCK_TIMEOUT_MS}ms'`);
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
      if (context?.deadline !== undefined && Date.now() > context.deadline) throw new SeamTimeoutError(`A batch of ${this.module} (rolled back: its deadline passed)`);
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
 * pg's pool hook for each new connection of a module's pool: a listener for its `error` events
 * for as long as it lives. The pool listens only while a connection is idle, and TypeORM while a
 * query runner holds it; a connection checked out by neither when the server goes away (the
 * server's "terminating connection" message arriving between two uses) would otherwise emit an
 * `error` nobody handles, and Node ends the process for it (exit code 1, before the embedded
 * server's watch could exit with its own code). The failure itself reaches whoever uses the
 * connection next; here it is only logged.
 */
function guardConnection(module: string): (client: { on(event: 'error', listener: (error: Error) => void): unknown }) => void {
  return (client) => {
    client.on('error', (error) => logger.warn(`a connection of ${module}'s pool failed: ${error.message}`));
  };
}

/**
 * Creates the module's schema, runs its pending migrations and, given the admin URL, the
 * module's role (returning the URL to connect as it). An advisory lock keeps two processes
 * starting at once from migrating the same schema together.
 */
async function migrate(dataSource: DataSource, schema: string, role: { adminUrl: string; secret: string | undefined } | undefined): Promise<string | undefined> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const lock = `seams:migrate:${schema}`;
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
    return role ? await grantModuleRole(runner, schema, role.adminUrl, role.secret) : undefined;
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]).catch(() => undefined);
    await runner.release();
  }
}

const BATCH_LOCK_TIMEOUT_MS = 100;
/** Deadlock detected, serialization failure: the transaction was rolled back and may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Runs a transaction again (twice at most, after a short random pause) when PostgreSQL rolled
 * it back as the victim of a deadlock or a serialization conflict: nothing of it took effect,
 * and the caller should not see a 500 for a clash of timing.
 */
async function retryOnConflict<T>(transaction: () => Promise<T>, effects: { count: number; first?: string }, module: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
      if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
      // Its database work was rolled back, but not what it sent or called: running it again
      // would do that twice. The caller gets a typed conflict (409) and may try again itself.
      if (effects.count > 0) throw new TransactionConflictError(module, effects.first!, effects.count, error);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** Runs `work` again when PostgreSQL reports two sessions updating one system table row (pg_authid) at once. */
async function retrySystemTableRace(work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 5 || !/tuple concurrently (updated|deleted)/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}

/**
 * The module's own login role, `seams_<module>`: usage of its schema and the rights to read
 * and write its tables and sequences there, nothing anywhere else (other schemas are not
 * granted to PUBLIC, so it cannot even look into them). Its password is derived from the
 * deployment's secret (`roleSecret`), so every process computes the same one and nobody
 * without the secret can; it is set again at every start, so a rotated secret takes effect.
 * Returns undefined when the configured user may not manage roles (the log says so).
 */
async function grantModuleRole(runner: QueryRunner, schema: string, adminUrl: string, secret: string | undefined): Promise<string | undefined> {
  const [{ allowed }] = (await runner.query(
    'SELECT rolsuper OR rolcreaterole AS allowed FROM pg_roles WHERE rolname = current_user',
  )) as { allowed: boolean }[];
  if (!allowed) {
    logger.warn(`the configured database user may not create roles; ${schema} uses the configured connection`);
    return undefined;
  }
  const role = `seams_${schema.replace(/-/g, '_')}`;
  const url = new URL(adminUrl);
  if (!secret) {
    logger.warn(`no secret to derive ${role}'s password from (database.roleSecret; the host passes SEAMS_SERVICE_SECRET): ${schema} uses the configured connection`);
    return undefined;
  }
  const password = createHmac('sha256', secret).update(`seams: database role ${role}`).digest('hex').slice(0, 32);
  // Roles belong to the server, not the database: processes migrating other databases of the
  // same server may be making this one at this very moment. Whoever is first sets its password
  // (derived the same way everywhere); such races are retried.
  await retrySystemTableRace(async () => {
    const [{ exists }] = (await runner.query('SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1) AS exists', [role])) as { exists: boolean }[];
    if (exists) {
      // The password of the secret this process has (a rotated secret takes effect here).
      await runner.query(`ALTER ROLE "${role}" LOGIN PASSWORD '${password}'`);
      return;
    }
    try {
      await runner.query(`CREATE ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`);
    } catch (error) {
      if (!/already exists|duplicate key/.test((error as Error).message)) throw error;
    }
  });
  // CONNECT comes from PUBLIC (PostgreSQL's default); no other schema grants anything to PUBLIC.
  await retrySystemTableRace(async () => {
    await runner.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`);
    await runner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`);
    await runner.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "${schema}" TO "${role}"`);
  });
  url.username = role;
  url.password = password;
  return url.toString();
}

/**
 * A transaction of `module` lost a deadlock or a serialization conflict after it had done
 * something a rollback cannot undo (sent a command, called a provider): it is not run again.
 */
export class TransactionConflictError extends DomainError {
  readonly code = 'database.conflict';
  readonly kind = 'conflict';

  constructor(module: string, first: string, count: number, conflict: unknown) {
    super(
      `A transaction of ${module} was rolled back by a conflict with another one, after it had ${count === 1 ? 'an effect' : `${count} effects`} a rollback cannot undo (${first}); it is not run again, so that does not happen twice: try again`,
      { module, effect: first, sqlstate: (conflict as { code?: string })?.code ?? (conflict as { driverError?: { code?: string } })?.driverError?.code },
    );
  }
}

/** A subscriber opened a second transaction of its module while handling one event. */
export class SecondTransactionError extends Error {
  constructor(handler: string, eventId: string) {
    super(
      `${handler} opened a second transaction while handling event ${eventId}: a subscriber handles an event in one transaction of its module ` +
        '(the inbox records the event with the first one, so on a redelivery the second would never run again); do all of its work in one',
    );
    this.name = 'SecondTransactionError';
  }
}

/** A module's own database role cannot be used: the start is refused (never the admin connection instead). */
export class ModuleRoleError extends Error {
  constructor(module: string, role: string, reason: string) {
    super(
      `${module} cannot connect as its database role ${role} (${reason}). Let that role log in with its password ` +
        '(pg_hba.conf, its connection limit), or set SEAMS_DB_ROLES=off to run every module with the configured connection',
    );
    this.name = 'ModuleRoleError';
  }
}

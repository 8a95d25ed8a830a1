import { InvalidOptionError, wholeNumber } from '../context';

/** Where the modules' databases are. Resolved once by the host, before Nest starts. */
export interface DatabaseSettings {
  /** The shared server's database; every module uses its own schema in it. */
  readonly url: string;
  /** Connections per module pool. */
  readonly poolSize: number;
  /** Modules with a database of their own (their URL overrides `url`). */
  readonly moduleUrls?: Readonly<Record<string, string>>;
  /**
   * Whether each module connects as a role of its own with rights on its own schema only
   * (default on; used where the connecting user may create roles).
   */
  readonly moduleRoles?: boolean;
  /**
   * The secret the module roles' passwords are derived from (the host passes the deployment's
   * service secret): every process computes the same password, and nobody without the secret can.
   * Required while `moduleRoles` is on.
   */
  readonly roleSecret?: string;
  /**
   * How long a unit of work waits for a connection (a new one to the server, or a free one from
   * a full pool) before it fails with `database.unavailable` (503, retryable) instead of waiting
   * for ever. Default 5000 ms.
   */
  readonly acquireTimeoutMs?: number;
}

export const DEFAULT_ACQUIRE_TIMEOUT_MS = 5000;

export const DATABASE_SETTINGS = Symbol('DATABASE_SETTINGS');

/** A module may have its own database: its `moduleUrls` entry overrides the shared one. */
export function moduleDatabaseUrl(settings: DatabaseSettings, module: string): string {
  return settings.moduleUrls?.[module] || settings.url;
}

/** The database options, checked: refused in one line naming the option and the value. */
export function databaseSettings(settings: DatabaseSettings): DatabaseSettings {
  if (!settings || typeof settings.url !== 'string' || !/^postgres(ql)?:\/\//.test(settings.url)) {
    throw new InvalidOptionError(`database.url must be a postgres:// URL, not "${settings?.url}"`);
  }
  wholeNumber('database.poolSize', settings.poolSize, 1);
  if (settings.acquireTimeoutMs !== undefined) wholeNumber('database.acquireTimeoutMs', settings.acquireTimeoutMs, 1);
  for (const [module, url] of Object.entries(settings.moduleUrls ?? {})) {
    if (url && !/^postgres(ql)?:\/\//.test(url)) throw new InvalidOptionError(`database.moduleUrls.${module} must be a postgres:// URL, not "${url}"`);
  }
  return settings;
}

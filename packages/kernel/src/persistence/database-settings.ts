/** Where the modules' databases are. Resolved once by the host, before Nest starts. */
export interface DatabaseSettings {
  /** The shared server's database; every module uses its own schema in it. */
  readonly url: string;
  /** Connections per module pool. */
  readonly poolSize: number;
  /** Modules with a database of their own, from `SEAMS_<MODULE>_DATABASE_URL`. */
  readonly moduleUrls?: Readonly<Record<string, string>>;
  /**
   * Whether each module connects as a role of its own with rights on its own schema only
   * (`SEAMS_DB_ROLES`, default on; used where the connecting user may create roles).
   */
  readonly moduleRoles?: boolean;
}

export const DATABASE_SETTINGS = Symbol('DATABASE_SETTINGS');

/** A module may have its own database: `SEAMS_<MODULE>_DATABASE_URL` overrides the shared one. */
export function moduleDatabaseUrl(settings: DatabaseSettings, module: string): string {
  return settings.moduleUrls?.[module] || settings.url;
}

/** The `SEAMS_<MODULE>_DATABASE_URL` settings of `env`, by module. */
export function moduleUrlsFrom(env: NodeJS.ProcessEnv, modules: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    modules.flatMap((module) => {
      const url = env[`SEAMS_${module.toUpperCase()}_DATABASE_URL`];
      return url ? [[module, url]] : [];
    }),
  );
}

/** Where the modules' databases are. Resolved once by the host, before Nest starts. */
export interface DatabaseSettings {
  /** The shared server's database; every module uses its own schema in it. */
  readonly url: string;
  /** Connections per module pool. */
  readonly poolSize: number;
}

export const DATABASE_SETTINGS = Symbol('DATABASE_SETTINGS');

/** A module may have its own database: `SEAMS_<MODULE>_DATABASE_URL` overrides the shared one. */
export function moduleDatabaseUrl(settings: DatabaseSettings, module: string): string {
  return process.env[`SEAMS_${module.toUpperCase()}_DATABASE_URL`] || settings.url;
}

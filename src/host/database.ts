import { join } from 'node:path';
import { dataDirOf, type Settings } from './config';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from '@seams/kernel/persistence';

export interface ResolvedDatabase {
  readonly url: string;
  /** Set when the embedded server was started for this process. */
  readonly embedded?: EmbeddedServer;
}

export const DEFAULT_EMBEDDED_PORT = 54329;

/**
 * `DATABASE_URL` when it is set; otherwise the embedded PostgreSQL in `SEAMS_DATA_DIR`
 * (default `.data/`), on `SEAMS_EMBEDDED_PG_PORT` (default 54329), database `seams`.
 */
export async function resolveDatabase(settings: Settings): Promise<ResolvedDatabase> {
  if (settings.databaseUrl) return { url: settings.databaseUrl };
  const embedded = await startEmbeddedPostgres({
    dataDir: join(dataDirOf(settings), 'postgres'),
    port: settings.embeddedPgPort ?? DEFAULT_EMBEDDED_PORT,
  });
  return { url: await ensureDatabase(embedded.url, 'seams'), embedded };
}

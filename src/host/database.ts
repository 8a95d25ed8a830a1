import { join } from 'node:path';
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
export async function resolveDatabase(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  const embedded = await startEmbeddedPostgres({
    dataDir: join(env.SEAMS_DATA_DIR || join(process.cwd(), '.data'), 'postgres'),
    port: Number(env.SEAMS_EMBEDDED_PG_PORT || DEFAULT_EMBEDDED_PORT),
  });
  return { url: await ensureDatabase(embedded.url, 'seams'), embedded };
}

export function poolSizeFrom(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number(env.SEAMS_DB_POOL_SIZE || 5);
  if (!Number.isInteger(size) || size < 1) throw new Error(`SEAMS_DB_POOL_SIZE must be a positive whole number`);
  return size;
}

import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/kernel/persistence';

/**
 * The tests talk to a real PostgreSQL: the server of `DATABASE_URL` when it is set, the
 * embedded one otherwise (in `.data/postgres-test`, port `SEAMS_TEST_PG_PORT` or 54339). Each
 * test file then makes a database of its own on it (see `test-database.ts`).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.SEAMS_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const server = await startEmbeddedPostgres({
    dataDir: join(__dirname, '..', '..', '.data', 'postgres-test'),
    port: Number(process.env.SEAMS_TEST_PG_PORT || 54339),
  });
  process.env.SEAMS_TEST_SERVER_URL = server.url;
  (globalThis as { seamsTestServer?: EmbeddedServer }).seamsTestServer = server;
}

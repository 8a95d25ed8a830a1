import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '../persistence';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the PostgreSQL server at `serverUrl` (which names a database to connect to first). */
export async function createTestDatabase(serverUrl: string, prefix = 'seams_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(serverUrl, name);
  return {
    url,
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

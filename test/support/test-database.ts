import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase } from '@seams/kernel/persistence';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file, on the test server set up by global-setup. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.SEAMS_TEST_SERVER_URL;
  if (!server) throw new Error('SEAMS_TEST_SERVER_URL is not set; run the tests through jest (npm test)');
  const name = `seams_test_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(server, name);
  return {
    url,
    async drop() {
      const client = new Client({ connectionString: server });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

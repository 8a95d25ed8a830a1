import { createTestDatabase as createDatabaseOn, type TestDatabase } from '@seams/kernel/testing';

export type { TestDatabase };

/** A fresh, empty database for one test file, on the test server set up by global-setup. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.SEAMS_TEST_SERVER_URL;
  if (!server) throw new Error('SEAMS_TEST_SERVER_URL is not set; run the tests through jest (npm test)');
  return createDatabaseOn(server);
}

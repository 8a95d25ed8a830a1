import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedServer } from '@seams/kernel/persistence';

/**
 * The tests talk to a real PostgreSQL: the server of `DATABASE_URL` when it is set, the
 * embedded one otherwise (in `.data/postgres-test`, port `SEAMS_TEST_PG_PORT` or 54339). Each
 * test file then makes a database of its own on it (see `test-database.ts`).
 */
export default async function globalSetup(): Promise<void> {
  setUpTestIssuer();
  if (process.env.DATABASE_URL) {
    process.env.SEAMS_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  // A run started by a test of another run (deploy:check's job): that run's server, never a second
  // embedded one on the same folder and port (whose teardown would stop the other run's).
  if (process.env.SEAMS_TEST_SERVER_URL) return;
  const server = await startEmbeddedPostgres({
    dataDir: join(__dirname, '..', '..', '.data', 'postgres-test'),
    port: Number(process.env.SEAMS_TEST_PG_PORT || 54339),
  });
  process.env.SEAMS_TEST_SERVER_URL = server.url;
  (globalThis as { seamsTestServer?: EmbeddedServer }).seamsTestServer = server;
}

/**
 * The token issuer every app under test trusts: a key pair made for this run (the private half
 * signs tokens in `auth.ts`), as an OAuth issuer configured by public key would be; and the
 * service secret the test processes share. Passed on through the environment, which Jest's
 * workers and every process the tests start inherit (see `testAuthEnv`).
 */
function setUpTestIssuer(): void {
  // A folder of this run's own: two runs at once (a developer's and an editor's) must not swap keys.
  const dir = join(__dirname, '..', '..', '.data', 'test-auth', `run-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  process.env.SEAMS_TEST_AUTH_DIR = dir;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'issuer.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'issuer.key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  process.env.SEAMS_AUTH_ISSUER = 'https://issuer.test.seams';
  process.env.SEAMS_AUTH_PUBLIC_KEY = join(dir, 'issuer.pub.pem');
  process.env.SEAMS_TEST_ISSUER_KEY = join(dir, 'issuer.key.pem');
  // A run started by a test of another run, on that run's server (module:remove's copy,
  // deploy:check's job), keeps that run's secret: the module database roles (seams_<module>) are
  // the server's, their passwords derived from the secret, and a second secret would change them
  // under the first run's pools.
  const nested = process.env.SEAMS_TEST_SERVER_URL !== undefined;
  process.env.SEAMS_SERVICE_SECRET = nested && process.env.SEAMS_SERVICE_SECRET ? process.env.SEAMS_SERVICE_SECRET : randomBytes(32).toString('base64url');
}

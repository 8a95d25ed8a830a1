import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppProcess, freePort, PROBE_MAIN, startAppProcess } from '../support/processes';
import { startOwnPostgres } from '../support/own-postgres';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/*
 * The app's own start (src/host/run-main.ts, what `node dist/src/main.js` runs) on the kernel's
 * probe modules alpha and bravo (PROBE_MAIN): the start-up errors are the kernel's and the
 * host's, and hold with no shop module.
 */

/** A start that must be refused: its exit code and what it printed on stderr, line by line. */
async function refusedStart(env: Record<string, string>, args: string[] = []): Promise<{ code: number | string; lines: string[]; output: string }> {
  const app = startAppProcess(env, {}, [...PROBE_MAIN, ...args]);
  let stderr = '';
  app.child.stderr!.on('data', (chunk) => (stderr += chunk));
  const code = await app.exited();
  return { code, lines: stderr.split('\n').filter(Boolean), output: app.output() };
}

const NO_STACK = /^\s+at |Error:|\{$/m;

describe('a start with a configuration problem', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'seams-first-hour-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reports every bad setting at once, one line each naming the setting, the value and the fix, exit code 2, before the embedded PostgreSQL starts', async () => {
    const { code, lines, output } = await refusedStart({
      SEAMS_DATA_DIR: dataDir,
      SEAMS_EMBEDDED_PG_PORT: String(await freePort()),
      SEAMS_ALPHA: 'remote',
      SEAMS_ALPHA_URL: '127.0.0.1:4115',
      SEAMS_TIMEOUT_MS: 'soon',
    });
    expect(code).toBe(2);
    expect(lines).toEqual([
      'SEAMS_ALPHA_URL must be an address like tcp://host:port, nats://host:port or amqp://user:pass@host:port, not "127.0.0.1:4115"; did you mean SEAMS_ALPHA_URL=tcp://127.0.0.1:4115?',
      'SEAMS_TIMEOUT_MS must be a positive whole number, not "soon"',
    ]);
    expect(output).not.toMatch(NO_STACK);
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
  });

  it('names DATABASE_URL when its scheme is mistyped (postgres//...) instead of failing to resolve a host', async () => {
    const { code, lines, output } = await refusedStart({ DATABASE_URL: 'postgres//postgres@127.0.0.1:5432/base' });
    expect(code).toBe(2);
    expect(lines).toEqual([
      'DATABASE_URL must be a postgres:// URL, not "postgres//postgres@127.0.0.1:5432/base"; did you mean DATABASE_URL=postgres://postgres@127.0.0.1:5432/base?',
    ]);
    expect(output).not.toMatch(/ENOTFOUND|getaddrinfo/);
    expect(output).not.toMatch(NO_STACK);
  });

  it('lists a missing address once, with the first reason it is needed', async () => {
    const { code, lines } = await refusedStart({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/unused', SEAMS_ALPHA: 'remote' });
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Cannot start as the monolith: missing SEAMS_ALPHA_URL \(SEAMS_ALPHA=remote\); SEAMS_BRAVO_URL \(the remote alpha publishes events bravo subscribes to\)\. Addresses look like tcp:/,
    );
    expect(lines[0].match(/SEAMS_ALPHA_URL/g)).toHaveLength(1);
  });

  it('refuses to start a module host with no address for the module its events go to, naming the setting', async () => {
    // bravo subscribes to alpha's changes: alpha's host needs bravo's address to deliver them
    const { code, lines } = await refusedStart({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', SEAMS_ALPHA_URL: 'tcp://127.0.0.1:4999' }, ['--module', 'alpha']);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(/Cannot start as the alpha host: missing SEAMS_BRAVO_URL \(bravo subscribes to alpha\.changed\.v1\)/);
  });
});

describe('a start whose database refuses the connection', () => {
  let database: TestDatabase;
  beforeAll(async () => (database = await createTestDatabase()));
  afterAll(() => database.drop());

  it('names DATABASE_URL and the database that does not exist, in one line, exit code 2', async () => {
    const url = database.url.replace(/\/[^/?]+(\?|$)/, '/seams_no_such_database$1');
    const { code, lines, output } = await refusedStart({ DATABASE_URL: url });
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DATABASE_URL=postgres:\/\/\S+\/seams_no_such_database: database "seams_no_such_database" does not exist on [^ ]+; create it \(createdb .*seams_no_such_database\) or name an existing database in DATABASE_URL$/);
    expect(output).not.toMatch(NO_STACK);
  });

  it('names DATABASE_URL and the user when the password is wrong, never showing the password', async () => {
    const server = await startOwnPostgres({ password: 'right-password' });
    try {
      const { code, lines, output } = await refusedStart({ DATABASE_URL: server.url.replace('right-password', 'wrong-password') });
      expect(code).toBe(2);
      expect(lines).toEqual([
        `DATABASE_URL=postgres://postgres:***@127.0.0.1:${server.port}/postgres: password authentication failed for user "postgres"; put that user's password in DATABASE_URL (postgres://user:password@host:port/database)`,
      ]);
      expect(output).not.toMatch(/wrong-password/);
    } finally {
      await server.destroy();
    }
  });

  it('tells a module host started before the monolith\'s embedded PostgreSQL to start the monolith first', async () => {
    const embeddedPort = await freePort();
    const { code, lines, output } = await refusedStart(
      {
        DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${embeddedPort}/seams`,
        SEAMS_EMBEDDED_PG_PORT: String(embeddedPort),
        SEAMS_ALPHA_URL: `tcp://127.0.0.1:${await freePort()}`,
        SEAMS_BRAVO_URL: `tcp://127.0.0.1:${await freePort()}`,
        PORT: String(await freePort()),
      },
      ['--module', 'alpha'],
    );
    expect(code).toBe(2);
    expect(lines).toEqual([
      `DATABASE_URL=postgres://postgres:***@127.0.0.1:${embeddedPort}/seams: nothing accepts connections at 127.0.0.1:${embeddedPort} (ECONNREFUSED); ` +
        "this is the embedded PostgreSQL's port: start the monolith first (npm start starts the embedded server), or set DATABASE_URL to a running server",
    ]);
    expect(output).not.toMatch(NO_STACK);
  });
});

describe('a second process on ports that are taken', () => {
  let database: TestDatabase;
  let first: AppProcess | undefined;
  const seamPort = { value: 0 };
  const httpPort = { value: 0 };

  beforeAll(async () => {
    database = await createTestDatabase();
    [httpPort.value, seamPort.value] = [await freePort(), await freePort()];
    // The first process serves alpha's seam too (SEAMS_ALPHA_URL on a local module).
    first = startAppProcess({ DATABASE_URL: database.url, PORT: String(httpPort.value), SEAMS_ALPHA_URL: `tcp://127.0.0.1:${seamPort.value}` }, {}, PROBE_MAIN);
    await first.waitFor(/Ready: API at/);
  });
  afterAll(async () => {
    await first?.stop();
    await database.drop();
  });

  it('names PORT in one line, exit code 2, and never says it started', async () => {
    const { code, lines, output } = await refusedStart({ DATABASE_URL: database.url, PORT: String(httpPort.value) });
    expect(code).toBe(2);
    expect(lines).toEqual([
      `PORT=${httpPort.value}: port ${httpPort.value} is taken by another process (EADDRINUSE); stop that process (is Seams already running?) or set PORT to a free port`,
    ]);
    expect(output).not.toMatch(/successfully started|Ready|EADDRINUSE.*\n\s+at /);
  });

  it('names the seam address setting when the seam port is taken', async () => {
    const { code, lines } = await refusedStart(
      { DATABASE_URL: database.url, PORT: String(await freePort()), SEAMS_ALPHA_URL: `tcp://127.0.0.1:${seamPort.value}`, SEAMS_BRAVO_URL: `tcp://127.0.0.1:${await freePort()}` },
      ['--module', 'alpha'],
    );
    expect(code).toBe(2);
    expect(lines).toEqual([
      `SEAMS_ALPHA_URL=tcp://127.0.0.1:${seamPort.value}: port ${seamPort.value} is taken by another process (EADDRINUSE); stop that process (is Seams already running?) or set SEAMS_ALPHA_URL to a free port`,
    ]);
  });
});

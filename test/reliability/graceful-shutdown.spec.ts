import { once } from 'node:events';
import { Client } from 'pg';
import { type AppProcess, freePort, PROBE_MAIN, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer } from '../support/auth';
import { eventually } from '../support/test-app';
import type { ProbeSystem } from '../sim/probe-system';

/**
 * The app's own processes (test/sim/probe-main.ts: src/host/run-main.ts) on the kernel's probe
 * modules: alpha, whose routes send to bravo, and bravo, which handles alpha's changes.
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: false }] },
  ],
};

/**
 * SIGTERM with work under way, on real processes: the work under way finishes, new work is
 * refused, the process exits 0, and nothing committed is lost. The work is held up by a row
 * lock this test takes on the item's row, so "under way" is certain, not a race.
 */
describe('graceful shutdown', () => {
  let database: TestDatabase;
  const processes: AppProcess[] = [];
  const json = { 'content-type': 'application/json', authorization: adminBearer() };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await database?.drop();
  });

  async function start(env: Record<string, string>): Promise<{ process: AppProcess; base: string }> {
    const port = await freePort();
    const process = startAppProcess({ DATABASE_URL: database.url, SIM_SYSTEM: JSON.stringify(SYSTEM), PORT: String(port), ...env }, {}, [...PROBE_MAIN, ...(env.SEAMS_HOST_MODULE ? ['--module', env.SEAMS_HOST_MODULE] : [])]);
    processes.push(process);
    await process.waitFor(/API at/, 60_000);
    return { process, base: `http://127.0.0.1:${port}` };
  }

  /** A put of `module`'s item `key` through `base` (alpha's own route, or its forward route to bravo). */
  const put = (base: string, module: string, key: string, value: number) =>
    fetch(`${base}/v1/alpha/${module === 'alpha' ? '' : `forward/${module}/`}items/${key}`, { method: 'PUT', headers: json, body: JSON.stringify({ value }) });

  /** Takes the lock of `module`'s item row `key`; resolves once it is held. */
  async function holdItem(module: string, key: string): Promise<Client> {
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM "${module}".items WHERE key = $1 FOR UPDATE`, [key]);
    return blocker;
  }

  const rows = async (sql: string) => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };

  async function someoneWaitsForLock(): Promise<void> {
    const watcher = new Client({ connectionString: database.url });
    await watcher.connect();
    try {
      const waiting = async () =>
        (await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).rows[0].n as number;
      await eventually(waiting, (n) => n > 0);
    } finally {
      await watcher.end();
    }
  }

  /** Resolves with the exit code once the process has exited and all it printed has been read (its pipes closed). */
  async function finished(process: AppProcess): Promise<number | string> {
    const code = await process.exited();
    for (const stream of [process.child.stdout!, process.child.stderr!]) if (!stream.closed) await once(stream, 'close');
    return code;
  }

  /** Whether the process logged that it cut work under way (or gave up and exited anyway). */
  const cutWork = (process: AppProcess) =>
    process.logs().some((line) => /was cut|exiting anyway/.test(String(line.msg)));

  it('lets an HTTP request under way finish, refuses new connections, exits 0, and keeps what it committed', async () => {
    const { process: monolith, base } = await start({});
    expect((await put(base, 'alpha', 'gs-1', 1)).status).toBe(200);
    const blocker = await holdItem('alpha', 'gs-1');
    const pending = put(base, 'alpha', 'gs-1', 2);
    await someoneWaitsForLock();

    monolith.child.kill('SIGTERM');
    await monolith.waitForLog({ msg: /^SIGTERM received/ });
    await expect(fetch(`${base}/health/live`)).rejects.toThrow(); // no new connections
    await blocker.query('ROLLBACK');
    await blocker.end();

    // The put could only commit once the lock was gone: a 200 means the process waited for it.
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ key: 'gs-1', seq: 2 });
    expect(await finished(monolith)).toBe(0);
    expect(cutWork(monolith)).toBe(false);
    expect(monolith.logs().at(-1)).toMatchObject({ msg: 'Stopped' });

    // Restarted: the change is there, and its event (delivered before or after) reaches bravo, once.
    await start({});
    expect(await rows(`SELECT value, version FROM alpha.items WHERE key = 'gs-1'`)).toEqual([{ value: 2, version: 2 }]);
    const handled = await eventually(() => rows(`SELECT seq FROM bravo.handled WHERE key = 'gs-1' ORDER BY n`), (found) => found.length >= 2);
    expect(handled).toEqual([{ seq: 1 }, { seq: 2 }]);
  });

  it('lets a module host answer the seam message under way, then stop; the caller gets its answer', async () => {
    const seamUrl = `tcp://127.0.0.1:${await freePort()}`;
    const env = { SEAMS_BRAVO_URL: seamUrl };
    const { process: host } = await start({ ...env, SEAMS_HOST_MODULE: 'bravo' });
    const { base } = await start({ ...env, SEAMS_BRAVO: 'remote', SEAMS_TIMEOUT_MS: '20000' });
    expect((await put(base, 'bravo', 'gs-2', 1)).status).toBe(200);
    const blocker = await holdItem('bravo', 'gs-2');
    const pending = put(base, 'bravo', 'gs-2', 2);
    await someoneWaitsForLock();

    host.child.kill('SIGTERM');
    await host.waitForLog({ msg: /^SIGTERM received/ });
    await blocker.query('ROLLBACK');
    await blocker.end();

    // The host could only answer once the lock was gone: a 200 means it waited to answer.
    expect((await pending).status).toBe(200);
    expect(await finished(host)).toBe(0);
    expect(cutWork(host)).toBe(false);
    // Without its host, bravo is unavailable: a clear 503, not a hang.
    expect((await put(base, 'bravo', 'gs-2', 3)).status).toBe(503);
  });

  it('cuts work that outlasts SEAMS_SHUTDOWN_TIMEOUT_MS, exits, and leaves nothing half done', async () => {
    const { process: monolith, base } = await start({ SEAMS_SHUTDOWN_TIMEOUT_MS: '1000' });
    expect((await put(base, 'alpha', 'gs-3', 1)).status).toBe(200);
    const blocker = await holdItem('alpha', 'gs-3');
    const pending = put(base, 'alpha', 'gs-3', 2).then(
      (response) => response.status,
      () => 'cut',
    );
    await someoneWaitsForLock();

    monolith.child.kill('SIGTERM');
    await monolith.waitForLog({ level: 40, msg: /still under way after 1000 ms was cut/ });
    expect(await pending).toBe('cut');
    await blocker.query('ROLLBACK');
    await blocker.end();
    // 0, and no "exiting anyway": it stopped after the cut, not when its last-resort timer ran out.
    expect(await finished(monolith)).toBe(0);
    expect(monolith.logs()).not.toContainEqual(expect.objectContaining({ msg: expect.stringMatching(/exiting anyway/) }));
    // the cut put was rolled back, and published nothing
    expect(await rows(`SELECT value, version FROM alpha.items WHERE key = 'gs-3'`)).toEqual([{ value: 1, version: 1 }]);
    expect(await rows(`SELECT count(*)::int AS n FROM alpha.seams_outbox WHERE aggregate_id = 'gs-3'`)).toEqual([{ n: 1 }]);
  });
});

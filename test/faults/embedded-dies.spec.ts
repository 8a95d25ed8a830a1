import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppProcess, freePort, PROBE_MAIN, startAppProcess } from '../support/processes';
import { adminBearer } from '../support/auth';
import { eventually } from '../support/test-app';

/** EMBEDDED_POSTGRES_DIED_EXIT_CODE in packages/kernel/src/persistence/embedded-postgres.ts. */
const DIED = 69;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pids of the processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [Number(entry)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

const postmasterPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

/**
 * The app on its embedded PostgreSQL (no DATABASE_URL; a data folder and ports of this test's
 * own, so neither the suite's server on 54339 nor a developer's on 54329 is touched), whose
 * postmaster is then killed with SIGKILL. The app exits at once with code 69 and one line
 * naming the cause, leaves no PostgreSQL process behind, and a restart (what a supervisor
 * does) starts the server again with the data committed before.
 */
describe('the embedded PostgreSQL dies under a running app', () => {
  const started: AppProcess[] = [];
  const pids: number[] = [];
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'seams-embedded-dies-'));
    chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user, who must reach the folder
  });

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop('SIGTERM')));
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL'); // only if the test failed half-way
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits at once with code 69 and one line naming the cause, leaves no server process, and a restart finds the data', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = { PORT: String(port), SEAMS_DATA_DIR: dataDir, SEAMS_EMBEDDED_PG_PORT: String(pgPort) };
    const base = `http://127.0.0.1:${port}`;
    const first = startAppProcess(env, {}, PROBE_MAIN);
    started.push(first);
    await first.waitFor(/API at http:\/\/localhost:\d+\/v1/, 60000);
    const created = await fetch(`${base}/v1/alpha/items/dies-1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: adminBearer() },
      body: JSON.stringify({ value: 7 }),
    });
    expect(created.status).toBe(200);

    const postmaster = postmasterPid(dataDir);
    const backends = childrenOf(postmaster);
    expect(backends.length).toBeGreaterThan(0); // checkpointer, walwriter, the app's connections, ...
    pids.push(postmaster, ...backends);
    const before = first.output().length;
    process.kill(postmaster, 'SIGKILL');

    // 20 s is only a ceiling: the app exits as soon as it sees the postmaster gone.
    const ceiling = new Promise<string>((resolve) => setTimeout(() => resolve('still running 20 s after the kill'), 20000).unref());
    const code = await Promise.race([first.exited(), ceiling]);
    // (what it printed after the kill shows when it is another code)
    expect({ code, printed: code === DIED ? '' : first.output().slice(before) }).toEqual({ code: DIED, printed: '' });
    const lines = first
      .output()
      .slice(before)
      .split('\n')
      .filter((line) => /embedded PostgreSQL/.test(line));
    expect(lines).toEqual([
      `The embedded PostgreSQL (pid ${postmaster}, port ${pgPort}, data in ${join(dataDir, 'postgres')}) has died; exiting with code 69 ` +
        'so that a restart starts it again (committed data is kept; set DATABASE_URL to run on a server you manage).',
    ]);
    // No PostgreSQL process outlives it: the backends leave once their postmaster is gone.
    await eventually(async () => pids.filter(alive), (left) => left.length === 0);

    const second = startAppProcess(env, {}, PROBE_MAIN);
    started.push(second);
    await second.waitFor(/API at http:\/\/localhost:\d+\/v1/, 60000);
    expect(second.output()).toMatch(/Embedded PostgreSQL started in/);
    const kept = await fetch(`${base}/v1/alpha/items/dies-1`, { headers: { authorization: adminBearer() } });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toEqual({ key: 'dies-1', seq: 1, value: 7 });
    const restarted = postmasterPid(dataDir);
    expect(await second.stop('SIGTERM')).toBe(0); // a stop asked for is not a death
    expect(second.output()).not.toMatch(/has died/);
    await eventually(async () => alive(restarted), (running) => !running);
  }, 120000);
});

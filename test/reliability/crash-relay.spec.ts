import { Client } from 'pg';
import { adminBearer } from '../support/auth';
import { type AppProcess, freePort, PROBE_MAIN, startAppProcess } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { ProbeSystem } from '../sim/probe-system';

/**
 * The outbox and the inbox through a kill, on the kernel's probe modules in the app's own
 * process (test/sim/probe-main.ts): alpha's changes are handled by bravo, whose handling
 * publishes bravo.relayed in the same transaction, handled by charlie. The process is killed
 * (SIGKILL) in the middle of a burst of changes and started again: every change that committed
 * is delivered, each event handled exactly once, in per-key order, and nothing is left pending.
 * (The shop's own version, with its saga's recovery, is test/reliability/crash.spec.ts.)
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [] },
    { name: 'bravo', subscriptions: [{ event: 'alpha.changed.v1', handlers: 1, chain: true }] },
    { name: 'charlie', subscriptions: [{ event: 'bravo.relayed.v1', handlers: 1, chain: false }] },
  ],
};
const KEYS = Array.from({ length: 8 }, (_, i) => `crash-${i}`);

describe('a process killed in the middle of a burst of changes', () => {
  let database: TestDatabase;
  let db: Client;
  let app: AppProcess | undefined;
  const env: Record<string, string> = {};

  const start = async () => {
    app = startAppProcess(env, {}, PROBE_MAIN);
    await app.waitFor(/API at/, 60_000);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    Object.assign(env, {
      DATABASE_URL: database.url,
      SIM_SYSTEM: JSON.stringify(SYSTEM),
      PORT: String(await freePort()),
      SEAMS_RATE_LIMIT: '0',
      // recover quickly after the kill: the dead process's claims expire fast
      SEAMS_RELAY_LEASE_MS: '7000',
      SEAMS_TIMEOUT_MS: '1500',
      SEAMS_RELAY_POLL_MS: '200',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await db?.end();
    await database?.drop();
  });

  it('loses nothing and handles nothing twice: every committed change is delivered once, in order per key', async () => {
    await start();
    const base = `http://127.0.0.1:${env.PORT}`;
    // 200 changes over eight keys, 20 at a time; the process is killed once 80 have been answered
    const answered: { key: string; seq: number }[] = [];
    let next = 0;
    const killed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (answered.length >= 80) {
          clearInterval(check);
          void app!.stop('SIGKILL').then(() => resolve());
        }
      }, 1);
    });
    const worker = async () => {
      while (next < 200) {
        const key = KEYS[next++ % KEYS.length];
        try {
          const response = await fetch(`${base}/v1/alpha/items/${key}`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', authorization: adminBearer() },
            body: JSON.stringify({ value: 1 }),
          });
          if (response.status === 200) answered.push((await response.json()) as { key: string; seq: number });
        } catch {
          return; // the process is gone
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    await killed;
    expect(answered.length).toBeGreaterThanOrEqual(80);
    expect(answered.length).toBeLessThan(200);

    await start();
    const count = async (sql: string) => Number((await db.query(sql)).rows[0].count);
    const committed = await count('SELECT count(*) FROM alpha.seams_outbox');
    // settled: nothing pending in either outbox, and each side handled as many as were published
    await eventually(
      async () => ({
        pending: await count(`SELECT (SELECT count(*) FROM alpha.seams_deliveries WHERE status <> 'DELIVERED') + (SELECT count(*) FROM bravo.seams_deliveries WHERE status <> 'DELIVERED') AS count`),
        bravo: await count('SELECT count(*) FROM bravo.handled'),
        charlie: await count('SELECT count(*) FROM charlie.handled'),
      }),
      (state) => state.pending === 0 && state.bravo === committed && state.charlie === committed,
      60_000,
    );

    // every answered change committed, and its event was published: the key's version is at least its seq
    const { rows: items } = await db.query<{ key: string; version: number }>('SELECT key, version FROM alpha.items');
    const version = new Map(items.map((item) => [item.key, item.version]));
    for (const { key, seq } of answered) expect(version.get(key)).toBeGreaterThanOrEqual(seq);
    expect(committed).toBe(items.reduce((sum, item) => sum + item.version, 0));
    // bravo handled each event once, per key in publication order (1, 2, 3, …)
    const { rows: handled } = await db.query<{ event_id: string; key: string; seq: number }>('SELECT event_id, key, seq FROM bravo.handled ORDER BY n');
    expect(new Set(handled.map((row) => row.event_id)).size).toBe(handled.length);
    for (const key of KEYS) {
      const seqs = handled.filter((row) => row.key === key).map((row) => row.seq);
      expect({ key, seqs }).toEqual({ key, seqs: Array.from({ length: version.get(key) ?? 0 }, (_, i) => i + 1) });
    }
    // and charlie each event bravo published on the way, once
    expect(await count('SELECT count(DISTINCT event_id) FROM charlie.handled')).toBe(committed);
  }, 120_000);
});

import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DatabaseRegistry, type ModuleDatabase } from '@seams/kernel/persistence';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { someoneWaitsForALock } from '../support/lock-waiters';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages } from '../sim/probe-system';

/**
 * A module transaction that PostgreSQL picks as the victim of a deadlock runs again instead
 * of failing the request: nothing of the rolled-back attempt took effect.
 */
describe('a transaction chosen as a deadlock victim', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let alpha: ModuleDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    // the kernel's probe module alpha (its items table): no shop module
    app = await createApp({ manifests: probeManifests({ modules: [{ name: 'alpha', subscriptions: [] }] }, { slowMs: 1000 }), env: testAuthEnv(), logger: false, database: { url: database.url, poolSize: 2 } });
    await startApp(app, 0, '127.0.0.1');
    for (const key of ['dl-x', 'dl-y']) await RequestContexts.runAsService('test', () => app.get(Seam).send(new (probeMessages('alpha').Put)(key, 10)));
    alpha = app
      .get(DatabaseRegistry)
      .all()
      .find((each) => each.module === 'alpha')!;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('is run again and commits, once', async () => {
    const rival = new Client({ connectionString: database.url });
    const watcher = new Client({ connectionString: database.url });
    await Promise.all([rival.connect(), watcher.connect()]);
    try {
      // The rival checks for deadlocks late, so PostgreSQL picks our transaction as the victim.
      await rival.query(`SET deadlock_timeout = '10s'`);
      await rival.query('BEGIN');
      await rival.query(`SELECT * FROM alpha.items WHERE key = 'dl-y' FOR UPDATE`);

      let attempts = 0;
      const ours = alpha.transaction(async ({ manager }) => {
        attempts++;
        await manager.query(`UPDATE alpha.items SET value = value + 1 WHERE key = 'dl-x'`);
        await manager.query(`UPDATE alpha.items SET value = value + 1 WHERE key = 'dl-y'`);
        return attempts;
      });
      await someoneWaitsForALock(watcher); // ours holds X and waits for Y
      const rivalTakesX = rival.query(`UPDATE alpha.items SET value = value + 100 WHERE key = 'dl-x'`);
      await rivalTakesX; // granted once ours was rolled back as the victim
      await rival.query('COMMIT');

      expect(await ours).toBe(2);
      const { rows } = await watcher.query(`SELECT key, value FROM alpha.items WHERE key IN ('dl-x', 'dl-y') ORDER BY key`);
      expect(rows).toEqual([
        { key: 'dl-x', value: 111 },
        { key: 'dl-y', value: 11 },
      ]);
    } finally {
      await rival.query('ROLLBACK').catch(() => undefined);
      await Promise.all([rival.end(), watcher.end()]);
    }
  });

  it('still fails at once for errors that are not a clash of timing', async () => {
    let attempts = 0;
    await expect(
      alpha.transaction(async ({ manager }) => {
        attempts++;
        await manager.query('SELECT * FROM alpha.no_such_table');
      }),
    ).rejects.toThrow(/does not exist/);
    expect(attempts).toBe(1);
  });
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DatabaseRegistry, type ModuleDatabase, SecondTransactionError, TransactionConflictError } from '@seams/kernel/persistence';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { someoneWaitsForALock } from '../support/lock-waiters';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * A module transaction that loses a deadlock is run again (test/reliability/deadlock-retry.spec.ts),
 * unless it did something a rollback cannot undo: here, alpha's transaction sends bravo a
 * command, then is picked as a deadlock victim. Run again, it would send the command twice.
 * And a subscriber handles an event in one transaction: the inbox guards that one only.
 */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo'].map((name) => ({ name, subscriptions: [] })) };
const asService = <T>(work: () => Promise<T>) => RequestContexts.runAsService('test', work);

describe('a module transaction and what a rollback cannot undo', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let alpha: ModuleDatabase;
  let db: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1500 }), env: testAuthEnv(), logger: false, database: { url: database.url, poolSize: 4 } });
    await startApp(app, 0, '127.0.0.1');
    alpha = app.get(DatabaseRegistry).all().find((d) => d.module === 'alpha')!;
    const { Put } = probeMessages('alpha');
    for (const key of ['dl-x', 'dl-y']) await asService(() => app.get(Seam).send(new Put(key, 1)));
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await database?.drop();
  });

  it('is not run again after a deadlock once it has sent a command: a typed conflict, and the command sent once', async () => {
    const rival = new Client({ connectionString: database.url });
    await rival.connect();
    try {
      await rival.query(`SET deadlock_timeout = '10s'`); // ours is picked as the victim
      await rival.query('BEGIN');
      await rival.query(`SELECT * FROM alpha.items WHERE key = 'dl-y' FOR UPDATE`);
      let attempts = 0;
      const { Put } = probeMessages('bravo');
      const ours = asService(() =>
        alpha.transaction(async ({ manager }) => {
          attempts++;
          await manager.query(`UPDATE alpha.items SET value = value + 1 WHERE key = 'dl-x'`);
          await app.get(Seam).send(new Put('effect', attempts));
          await manager.query(`UPDATE alpha.items SET value = value + 1 WHERE key = 'dl-y'`);
        }),
      ).catch((error: unknown) => error);
      await someoneWaitsForALock(db);
      await rival.query(`UPDATE alpha.items SET value = value + 100 WHERE key = 'dl-x'`);
      await rival.query('COMMIT');
      const error = await ours;
      expect(error).toBeInstanceOf(TransactionConflictError);
      expect(error).toMatchObject({ code: 'database.conflict', details: { module: 'alpha', effect: 'bravo.put.v1' } });
      expect(attempts).toBe(1);
      expect((await db.query(`SELECT count(*)::int AS n FROM bravo.calls WHERE key = 'effect'`)).rows[0].n).toBe(1);
      expect((await db.query(`SELECT key, value FROM alpha.items WHERE key LIKE 'dl-%' ORDER BY key`)).rows).toEqual([
        { key: 'dl-x', value: 101 },
        { key: 'dl-y', value: 1 },
      ]);
    } finally {
      await rival.end();
    }
  });

  it('refuses a second transaction of the subscriber\'s module while it handles one event', async () => {
    const delivery = { eventId: randomUUID(), module: 'alpha', handler: 'alpha/TwoSteps', claimed: false };
    await expect(
      RequestContexts.run({ correlationId: 'two-steps', principal: { kind: 'service', service: 'relay' }, delivery }, async () => {
        await alpha.transaction(async ({ manager }) => manager.query('SELECT 1'));
        await alpha.transaction(async ({ manager }) => manager.query('SELECT 1'));
      }),
    ).rejects.toBeInstanceOf(SecondTransactionError);
    expect((await db.query(`SELECT count(*)::int AS n FROM alpha.seams_inbox WHERE event_id = $1`, [delivery.eventId])).rows[0].n).toBe(1);
  });
});

import type { INestApplication } from '@nestjs/common';
import { DatabaseRegistry, type ModuleDatabase } from '@seams/kernel/persistence';
import { RequestContexts, Seam } from '@seams/kernel/seam';
import { createApp, startApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, probeMessages, type ProbeSystem } from '../sim/probe-system';

/**
 * Each module connects as a database role of its own, with rights on its own schema only: on
 * the kernel's probe modules (one with a dash in its name), no shop module.
 */
const SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo', 'gift-cards'].map((name) => ({ name, subscriptions: [] })) };

describe('database roles per module', () => {
  let database: TestDatabase;
  let app: INestApplication;
  const moduleDatabase = (module: string): ModuleDatabase =>
    app
      .get(DatabaseRegistry)
      .all()
      .find((each) => each.module === module)!;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1000 }), env: testAuthEnv(), logger: false, database: { url: database.url, poolSize: 2 } });
    await startApp(app, 0, '127.0.0.1');
    for (const module of ['alpha', 'bravo']) {
      await RequestContexts.runAsService('test', () => app.get(Seam).send(new (probeMessages(module).Put)('role-1', 5)));
    }
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('connects every module as seams_<module> (dashes become underscores)', async () => {
    for (const module of SYSTEM.modules.map(({ name }) => name)) {
      const [{ user }] = await moduleDatabase(module).dataSource.query('SELECT current_user AS "user"');
      expect({ module, user }).toEqual({ module, user: `seams_${module.replace(/-/g, '_')}` });
    }
  });

  it("refuses alpha's connection when it reads bravo's tables, or another module's outbox", async () => {
    const alpha = moduleDatabase('alpha').dataSource;
    await expect(alpha.query('SELECT count(*) FROM bravo.items')).rejects.toThrow(/permission denied for schema bravo/);
    await expect(alpha.query('SELECT count(*) FROM "gift-cards".items')).rejects.toThrow(/permission denied for schema gift-cards/);
    await expect(alpha.query('SELECT count(*) FROM bravo.seams_outbox')).rejects.toThrow(/permission denied/);
    // its own tables, it reads and writes
    const [{ count }] = await alpha.query(`SELECT count(*)::int AS count FROM alpha.items WHERE key = 'role-1'`);
    expect(count).toBe(1);
  });

  it('cannot change its own schema or make roles: migrations run with the configured user', async () => {
    const alpha = moduleDatabase('alpha').dataSource;
    await expect(alpha.query('CREATE TABLE alpha.sneaky (id int)')).rejects.toThrow(/permission denied/);
    await expect(alpha.query('CREATE ROLE sneaky')).rejects.toThrow(/permission denied/);
  });
});

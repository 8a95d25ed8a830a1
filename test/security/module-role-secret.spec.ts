import { createHmac } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DatabaseRegistry, ensureDatabase } from '@seams/kernel/persistence';
import { createApp } from '../../src/host/create-app';
import { testAuthEnv } from '../support/auth';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

/**
 * Module roles on a PostgreSQL server that checks passwords (the test's own, scram-sha-256):
 * a role's password derives from the deployment's secret, never from a constant or the admin's
 * password; it is set again at every start, so a rotated secret takes effect; and a module that
 * cannot connect as its role refuses to start, never falling back to the admin connection.
 */
const SYSTEM: ProbeSystem = { modules: [{ name: 'alpha', subscriptions: [] }] };
const SECRET_A = 'a'.repeat(16) + '-first-deployment-secret';
const SECRET_B = 'b'.repeat(16) + '-rotated-deployment-secret';

describe('module roles and the deployment secret', () => {
  let server: OwnPostgres;
  let url: string;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    server = await startOwnPostgres({ password: 'admin-pass' });
    url = await ensureDatabase(server.url, 'seams');
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await server?.destroy();
  });

  const start = async (secret: string) => {
    const app = await createApp({ manifests: probeManifests(SYSTEM, { slowMs: 1500 }), env: { ...testAuthEnv(), SEAMS_SERVICE_SECRET: secret }, logger: false, database: { url, poolSize: 2 } });
    apps.push(app);
    await app.init();
    return app;
  };
  const userOf = async (app: INestApplication) => {
    const alpha = app.get(DatabaseRegistry).all().find((database) => database.module === 'alpha')!;
    return ((await alpha.dataSource.query('SELECT current_user AS "user"')) as { user: string }[])[0].user;
  };
  const canLogIn = async (password: string) => {
    const as = new URL(url);
    as.username = 'seams_alpha';
    as.password = password;
    const client = new Client({ connectionString: as.toString() });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const derived = (secret: string) => createHmac('sha256', secret).update('seams: database role seams_alpha').digest('hex').slice(0, 32);

  it('connects the module as its role, whose password derives from the secret, not the admin password', async () => {
    const app = await start(SECRET_A);
    expect(await userOf(app)).toBe('seams_alpha');
    expect(await canLogIn(derived(SECRET_A))).toBe(true);
    expect(await canLogIn(createHmac('sha256', 'admin-pass').update('seams_alpha').digest('hex').slice(0, 32))).toBe(false);
    expect(await canLogIn(createHmac('sha256', 'seams').update('seams_alpha').digest('hex').slice(0, 32))).toBe(false);
    await app.close();
  });

  it('takes a rotated secret at the next start: the module still connects as its role', async () => {
    const app = await start(SECRET_B);
    expect(await userOf(app)).toBe('seams_alpha');
    expect(await canLogIn(derived(SECRET_A))).toBe(false);
    expect(await canLogIn(derived(SECRET_B))).toBe(true);
    await app.close();
  });

  it('refuses to start when the module cannot connect as its role, naming it and the way out', async () => {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('ALTER ROLE seams_alpha CONNECTION LIMIT 0');
      await expect(start(SECRET_B)).rejects.toThrow(/alpha cannot connect as its database role seams_alpha .*SEAMS_DB_ROLES=off/s);
    } finally {
      await admin.query('ALTER ROLE seams_alpha CONNECTION LIMIT -1');
      await admin.end();
    }
  });
});

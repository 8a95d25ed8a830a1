import type { INestApplication } from '@nestjs/common';
import { createApp, type CreateAppOptions, startApp } from '../../src/host/create-app';
import { testAuthEnv } from './auth';
import type { TestDatabase } from './test-database';

/**
 * Apps of one test file on its database, each started on a free loopback port with the test
 * issuer trusted and `env` over it; `closeAll` closes every one (in `afterAll`).
 */
export function appsOn(database: () => TestDatabase, options: Omit<CreateAppOptions, 'database' | 'env'> = {}) {
  const apps: INestApplication[] = [];
  return {
    async start(env: Record<string, string> = {}): Promise<INestApplication> {
      const app = await createApp({ ...options, database: { url: database().url, poolSize: 2 }, env: { ...testAuthEnv(), ...env }, logger: false });
      apps.push(app);
      await startApp(app, 0, '127.0.0.1');
      return app;
    },
    async closeAll(): Promise<void> {
      for (const app of apps.splice(0)) await app.close();
    },
  };
}

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer } from './auth';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly database: TestDatabase;
  /** HTTP to the app, as the test admin (Authorization: Bearer <admin token> on every request). */
  readonly http: TestAgent;
  /** HTTP to the app with no token. */
  readonly anonymous: TestAgent;
  close(): Promise<void>;
}

/** The whole monolith on a fresh database, served on an ephemeral port. */
export async function startTestApp(): Promise<TestApp> {
  const database = await createTestDatabase();
  const app = await createApp({ database: { url: database.url, poolSize: 4 }, logger: false });
  await startApp(app, 0, '127.0.0.1');
  return {
    app,
    database,
    http: request.agent(app.getHttpServer()).set('authorization', adminBearer()),
    anonymous: request.agent(app.getHttpServer()),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** Polls `probe` until it returns a value `done` accepts, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

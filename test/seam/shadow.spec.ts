import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer, customerBearer, testAuthEnv } from '../support/auth';
import { startNestTcpHost } from '../support/nest-tcp-host';
import { freePort } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

/** The kernel's probe modules: alpha's routes send to bravo, which runs here and is shadowed. */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [], sends: ['bravo'] },
    { name: 'bravo', subscriptions: [] },
  ],
};

/**
 * The "new implementation" of bravo, over real TCP: it answers bravo's get with items of its
 * own (one value differs on purpose) and records every message it gets.
 */
class OtherImplementation {
  readonly received: { name: string; kind: string }[] = [];
  private host: { stop(): Promise<void> } | undefined;

  async start(port: number): Promise<void> {
    const values: Record<string, number> = { 'shadow-same': 100, 'shadow-diff': 999 };
    this.host = await startNestTcpHost(port, ({ data }) => {
      const { name, kind, payload } = data as { name: string; kind: string; payload: { key?: string } };
      this.received.push({ name, kind });
      return { ok: true, result: { key: payload.key, seq: 1, value: values[payload.key ?? ''] ?? 0 } };
    });
  }

  stop(): Promise<void> {
    return this.host?.stop() ?? Promise.resolve();
  }
}

describe('shadow mode (parallel run)', () => {
  let database: TestDatabase;
  let app: INestApplication;
  const other = new OtherImplementation();
  let http: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    await other.start(port);
    const url = `tcp://127.0.0.1:${port}`;
    app = await createApp({
      manifests: probeManifests(SYSTEM, { slowMs: 1000 }),
      database: { url: database.url, poolSize: 2 },
      env: { ...testAuthEnv(), SEAMS_BRAVO: 'shadow', SEAMS_BRAVO_URL: url },
      logger: false,
    });
    await startApp(app, 0, '127.0.0.1');
    http = request.agent(app.getHttpServer()).set('authorization', adminBearer());
    // commands: run here only
    for (const [key, value] of [['shadow-same', 100], ['shadow-diff', 500]] as const) {
      await http.put(`/v1/alpha/forward/bravo/items/${key}`).send({ value }).expect(200);
    }
  });

  afterAll(async () => {
    await app?.close();
    await other.stop();
    await database?.drop();
  });

  /** A query of bravo's item through alpha's route: answered here, asked of the other implementation too. */
  const read = (key: string) => request(app.getHttpServer()).get(`/v1/alpha/forward/bravo/items/${key}`).set('authorization', customerBearer('sam')).set('x-request-id', `shadow-${key}`);

  it('answers from the local implementation, and reports a query the other one answers differently, with both answers', async () => {
    const answered = await read('shadow-diff').expect(200);
    expect(answered.body).toEqual({ key: 'shadow-diff', seq: 1, value: 500 }); // the local value, not the other one's (999)

    const differences = await eventually(
      async () => (await http.get('/v1/admin/shadow').expect(200)).body as { message: string; local: unknown; remote: unknown; correlationId: string }[],
      (list) => list.length > 0,
    );
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatchObject({
      module: 'bravo',
      message: 'bravo.get.v1',
      correlationId: 'shadow-shadow-diff',
      payload: { key: 'shadow-diff' },
      local: { key: 'shadow-diff', value: 500 },
      remote: { key: 'shadow-diff', value: 999 },
    });
    const metrics = (await http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/seams_shadow_queries_total\{module="bravo",message="bravo\.get\.v1",outcome="different"\} 1/);
  });

  it('counts agreeing answers as the same and lists nothing for them', async () => {
    await read('shadow-same').expect(200, { key: 'shadow-same', seq: 1, value: 100 });
    await eventually(
      async () => (await http.get('/metrics').expect(200)).text,
      (text) => /seams_shadow_queries_total\{module="bravo",message="bravo\.get\.v1",outcome="same"\} 1/.test(text),
    );
    expect((await http.get('/v1/admin/shadow').expect(200)).body).toHaveLength(1);
  });

  it('never sends a command to the other implementation: each put ran once, here', async () => {
    await http.put('/v1/alpha/forward/bravo/items/shadow-same').send({ value: 100 }).expect(200, { key: 'shadow-same', seq: 2 });
    expect(other.received.filter((message) => message.kind !== 'query')).toEqual([]);
    expect(other.received.map((message) => message.name)).toEqual(['bravo.get.v1', 'bravo.get.v1']);
  });

  it('is for admins only', async () => {
    await request(app.getHttpServer()).get('/v1/admin/shadow').set('authorization', customerBearer('sam')).expect(403);
  });
});

import { Client } from 'pg';
import request from 'supertest';
import { outboxStatsQuery } from '@seams/kernel/messaging';
import { appsOn } from '../support/apps-on';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

/**
 * `GET /metrics` is for operators: behind its own bearer token when one is set (required in
 * production), under the rate limit like any route, and cheap to scrape (the outbox gauges
 * read partial indexes, never the days of delivered rows the table keeps).
 */
const SYSTEM: ProbeSystem = { modules: [{ name: 'alpha', subscriptions: [] }] };
const TOKEN = 'metrics-token-of-at-least-thirty-two-chars';

describe('the metrics endpoint', () => {
  let database: TestDatabase;
  const apps = appsOn(() => database, { manifests: probeManifests(SYSTEM, { slowMs: 1500 }) });
  const app = apps.start;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await apps.closeAll();
    await database?.drop();
  });

  it('asks for its bearer token when one is set: 401 without it or with another', async () => {
    const server = (await app({ SEAMS_METRICS_TOKEN: TOKEN })).getHttpServer();
    expect((await request(server).get('/metrics')).status).toBe(401);
    expect((await request(server).get('/metrics').set('authorization', `Bearer ${TOKEN}x`)).status).toBe(401);
    const scraped = await request(server).get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200);
    expect(scraped.text).toContain('seams_outbox_depth{module="alpha"} 0');
  });

  it('counts against the rate limit like any route; health checks do not', async () => {
    const server = (await app({ SEAMS_RATE_LIMIT: '3' })).getHttpServer();
    for (let i = 0; i < 3; i++) await request(server).get('/metrics').expect(200);
    await request(server).get('/metrics').expect(429);
    for (let i = 0; i < 5; i++) await request(server).get('/health/live').expect(200);
  });

  it('is required in production, naming the setting', async () => {
    await expect(app({ NODE_ENV: 'production', SEAMS_SERVICE_SECRET: 's'.repeat(32) })).rejects.toThrow(/SEAMS_METRICS_TOKEN is required when NODE_ENV=production/);
  });

  it('reads the outbox gauges through partial indexes only, never the delivered rows', async () => {
    await app({});
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('SET LOCAL enable_seqscan = off');
      const plan = (await db.query(`EXPLAIN ${outboxStatsQuery('alpha')}`)).rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
      await db.query('ROLLBACK');
      expect(plan).not.toMatch(/Seq Scan|seams_deliveries_pkey|seams_deliveries_done/);
      expect(plan).toMatch(/seams_deliveries_pending/);
      expect(plan).toMatch(/seams_deliveries_parked/);
      expect(plan).toMatch(/seams_deliveries_pending_age/);
    } finally {
      await db.end();
    }
  });
});

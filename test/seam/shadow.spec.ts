// @uses-modules catalog, inventory
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp, startApp } from '../../src/host/create-app';
import { adminBearer, customerBearer, testAuthEnv } from '../support/auth';
import { startNestTcpHost } from '../support/nest-tcp-host';
import { freePort } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The "new implementation" of catalog and inventory, over real TCP: it answers catalog's
 * get-products with a catalog of its own (one price differs on purpose) and records every
 * message it gets.
 */
class OtherImplementation {
  readonly received: { name: string; kind: string }[] = [];
  private host: { stop(): Promise<void> } | undefined;

  async start(port: number): Promise<void> {
    const prices: Record<string, number> = { 'SHADOW-SAME': 100, 'SHADOW-DIFF': 999 };
    this.host = await startNestTcpHost(port, ({ data }) => {
      const { name, kind, payload } = data as { name: string; kind: string; payload: { skus?: string[] } };
      this.received.push({ name, kind });
      const result = (payload.skus ?? []).filter((sku) => sku in prices).map((sku) => ({ sku, name: `Product ${sku}`, priceMinor: prices[sku], currency: 'EUR' }));
      return { ok: true, result };
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
      database: { url: database.url, poolSize: 2 },
      env: { ...testAuthEnv(), SEAMS_CATALOG: 'shadow', SEAMS_CATALOG_URL: url, SEAMS_INVENTORY: 'shadow', SEAMS_INVENTORY_URL: url },
      logger: false,
    });
    await startApp(app, 0, '127.0.0.1');
    http = request.agent(app.getHttpServer()).set('authorization', adminBearer());
    for (const [sku, priceMinor] of [['SHADOW-SAME', 100], ['SHADOW-DIFF', 500]] as const) {
      await http.post('/v1/catalog/products').send({ sku, name: `Product ${sku}`, priceMinor, currency: 'EUR' }).expect(201);
      await http.put(`/v1/inventory/stock/${sku}`).send({ onHand: 10 }).expect(200);
    }
  });

  afterAll(async () => {
    await app?.close();
    await other.stop();
    await database?.drop();
  });

  const order = (sku: string) =>
    request(app.getHttpServer()).post('/v1/orders').set('authorization', customerBearer('sam')).set('x-request-id', `shadow-${sku}`).send({ lines: [{ sku, quantity: 2 }] });

  it('answers from the local implementation, and reports a query the other one answers differently, with both answers', async () => {
    const placed = await order('SHADOW-DIFF').expect(201);
    expect(placed.body.totalMinor).toBe(1000); // the local price (500), not the other one's (999)

    const differences = await eventually(
      async () => (await http.get('/v1/admin/shadow').expect(200)).body as { message: string; local: unknown; remote: unknown; correlationId: string }[],
      (list) => list.length > 0,
    );
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatchObject({
      module: 'catalog',
      message: 'catalog.get-products.v1',
      correlationId: 'shadow-SHADOW-DIFF',
      payload: { skus: ['SHADOW-DIFF'] },
      local: [{ sku: 'SHADOW-DIFF', priceMinor: 500 }],
      remote: [{ sku: 'SHADOW-DIFF', priceMinor: 999 }],
    });
    const metrics = (await http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/seams_shadow_queries_total\{module="catalog",message="catalog\.get-products\.v1",outcome="different"\} 1/);
  });

  it('counts agreeing answers as the same and lists nothing for them', async () => {
    await order('SHADOW-SAME').expect(201);
    await eventually(
      async () => (await http.get('/metrics').expect(200)).text,
      (text) => /seams_shadow_queries_total\{module="catalog",message="catalog\.get-products\.v1",outcome="same"\} 1/.test(text),
    );
    expect((await http.get('/v1/admin/shadow').expect(200)).body).toHaveLength(1);
  });

  it('never sends a command or an event to the other implementation: the stock is reserved once, here', async () => {
    await eventually(
      async () => (await http.get('/v1/inventory/stock/SHADOW-SAME').expect(200)).body as { onHand: number; reserved: number },
      (stock) => stock.onHand === 8 && stock.reserved === 0,
    );
    expect(other.received.filter((message) => message.kind !== 'query')).toEqual([]);
    expect(other.received.map((message) => message.name)).toEqual(['catalog.get-products.v1', 'catalog.get-products.v1']);
  });

  it('is for admins only', async () => {
    await request(app.getHttpServer()).get('/v1/admin/shadow').set('authorization', customerBearer('sam')).expect(403);
  });
});

// @uses-modules catalog, inventory, ordering
import { Client } from 'pg';
import { customerBearer } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A token's subject is the order's customer id, which `ordering.order-placed.v1` bounds to 64
 * characters. A longer one is refused with a 400 problem before any stock is reserved; it once
 * reserved the stock, failed to publish the event, and answered 500.
 */
describe('an order placed by a token whose subject is longer than a customer id may be', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await app.http.post('/v1/catalog/products').send({ sku: 'LONG-SUB', name: 'L', priceMinor: 10, currency: 'EUR' }).expect(201);
    await app.http.put('/v1/inventory/stock/LONG-SUB').send({ onHand: 5 }).expect(200);
  });

  afterAll(() => app?.close());

  it('is refused with 400 before anything is reserved', async () => {
    const subject = 'x'.repeat(65);
    const response = await app.anonymous
      .post('/v1/orders')
      .set('authorization', customerBearer(subject))
      .send({ lines: [{ sku: 'LONG-SUB', quantity: 2 }] });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'ordering.invalid-order', detail: expect.stringMatching(/1 to 64 characters, not 65/) });
    const stock = await app.http.get('/v1/inventory/stock/LONG-SUB').expect(200);
    expect(stock.body).toMatchObject({ onHand: 5, reserved: 0 });
    const db = new Client({ connectionString: app.database.url });
    await db.connect();
    try {
      expect((await db.query('SELECT 1 FROM inventory.reservations')).rowCount).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('takes a subject of exactly 64 characters', async () => {
    await app.anonymous
      .post('/v1/orders')
      .set('authorization', customerBearer('y'.repeat(64)))
      .send({ lines: [{ sku: 'LONG-SUB', quantity: 1 }] })
      .expect(201);
  });
});

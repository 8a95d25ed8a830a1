import { type Cluster, startCluster } from '../support/cluster';
import { shop } from '../support/shop';
import { eventually } from '../support/test-app';

/**
 * The same flow, the same expectations, whether every module runs in one process or some run
 * as their own module hosts (separate processes, over TCP).
 */
describe.each([
  ['all modules in one process', []],
  ['inventory in its own process', ['inventory']],
  ['payments in its own process', ['payments']],
  ['ordering in its own process', ['ordering']],
  ['catalog, inventory and payments each in its own process', ['catalog', 'inventory', 'payments']],
])('the order flow with %s', (_, remote: string[]) => {
  let cluster: Cluster;
  let app: { http: ReturnType<Cluster['http']> };
  let s: ReturnType<typeof shop>;

  beforeAll(async () => {
    cluster = await startCluster({ remote });
    app = { http: cluster.http('ordering') };
    s = shop((module) => cluster.http(module));
    await s.product('TEA-1', 450);
    await s.product('PIANO-1', 250_000);
    await s.product('MUG-US', 900, 'USD');
  });

  afterAll(() => cluster?.close());

  it('places an order as PENDING and answers 201 with its id, status, total and currency', async () => {
    await s.stock('TEA-1', 10);
    const response = await s.order([{ sku: 'TEA-1', quantity: 2 }]).expect(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      totalMinor: 900,
      currency: 'EUR',
    });
    expect(response.headers.location).toBe(`/v1/orders/${response.body.id}`);
  });

  it('confirms a paid order, captures the payment once and commits its reservation', async () => {
    await s.product('TEA-2', 450);
    await s.stock('TEA-2', 10);
    const { body } = await s.order([{ sku: 'TEA-2', quantity: 3 }]).expect(201);

    const order = await s.settled(body.id);
    expect(order).toMatchObject({
      id: body.id,
      customerId: 'customer-1',
      status: 'CONFIRMED',
      totalMinor: 1350,
      currency: 'EUR',
      lines: [{ sku: 'TEA-2', quantity: 3, unitPriceMinor: 450 }],
      cancellationReason: null,
    });
    const payments = await s.paymentsOf(body.id);
    expect(payments).toEqual([expect.objectContaining({ status: 'CAPTURED', amountMinor: 1350 })]);
    // committed: the units left the warehouse and are no longer held
    const stock = await eventually(() => s.stockOf('TEA-2'), (item) => item.reserved === 0);
    expect(stock).toEqual({ sku: 'TEA-2', onHand: 7, reserved: 0, available: 7 });
  });

  it('cancels an order whose payment is declined and releases its stock', async () => {
    await s.stock('PIANO-1', 2);
    const { body } = await s.order([{ sku: 'PIANO-1', quantity: 1 }]).expect(201);
    expect(body.totalMinor).toBe(250_000); // above the default limit of 100000

    const order = await s.settled(body.id);
    expect(order.status).toBe('CANCELLED');
    expect(order.cancellationReason).toMatch(/payment declined: amount 250000 is above the limit of 100000/);
    expect(await s.paymentsOf(body.id)).toEqual([expect.objectContaining({ status: 'DECLINED' })]);
    const stock = await eventually(() => s.stockOf('PIANO-1'), (item) => item.reserved === 0);
    expect(stock).toEqual({ sku: 'PIANO-1', onHand: 2, reserved: 0, available: 2 });
  });

  it('answers 409 naming the sku when there is not enough stock, and reserves nothing', async () => {
    await s.product('TEA-3', 450);
    await s.stock('TEA-3', 1);
    const response = await s.order([{ sku: 'TEA-3', quantity: 2 }]).expect(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'urn:seams:problem:inventory.insufficient-stock',
      title: 'Conflict',
      status: 409,
      code: 'inventory.insufficient-stock',
      sku: 'TEA-3',
      requested: 2,
      available: 1,
      instance: '/v1/orders',
    });
    await expect(s.stockOf('TEA-3')).resolves.toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('reserves all lines of an order or none', async () => {
    await s.product('TEA-4', 450);
    await s.product('TEA-5', 450);
    await s.stock('TEA-4', 5);
    await s.stock('TEA-5', 0);
    const response = await s
      .order([
        { sku: 'TEA-4', quantity: 2 },
        { sku: 'TEA-5', quantity: 1 },
      ])
      .expect(409);
    expect(response.body).toMatchObject({ sku: 'TEA-5', requested: 1, available: 0 });
    await expect(s.stockOf('TEA-4')).resolves.toMatchObject({ onHand: 5, reserved: 0 });
  });

  it('answers 422 naming the skus the catalog does not know', async () => {
    const response = await s
      .order([
        { sku: 'NO-SUCH-1', quantity: 1 },
        { sku: 'TEA-1', quantity: 1 },
      ])
      .expect(422);
    expect(response.body).toMatchObject({ status: 422, code: 'ordering.unknown-products', skus: ['NO-SUCH-1'] });
  });

  it('answers 422 when the lines are priced in different currencies', async () => {
    await s.stock('MUG-US', 5);
    const response = await s
      .order([
        { sku: 'TEA-1', quantity: 1 },
        { sku: 'MUG-US', quantity: 1 },
      ])
      .expect(422);
    expect(response.body).toMatchObject({ code: 'ordering.mixed-currencies', currencies: ['EUR', 'USD'] });
  });

  it.each([
    ['no lines', { lines: [] }, 'lines'],
    // the customer is the token's subject: a client cannot name another one
    ['a customer in the body', { customerId: 'someone-else', lines: [{ sku: 'TEA-1', quantity: 1 }] }, 'customerId'],
    ['a zero quantity', { lines: [{ sku: 'TEA-1', quantity: 0 }] }, 'lines[0].quantity'],
    ['a fractional quantity', { lines: [{ sku: 'TEA-1', quantity: 1.5 }] }, 'lines[0].quantity'],
    ['a quantity given as text', { lines: [{ sku: 'TEA-1', quantity: '2' }] }, 'lines[0].quantity'],
    ['a malformed sku', { lines: [{ sku: 'tea 1', quantity: 1 }] }, 'lines[0].sku'],
    ['lines that are not a list', { lines: 'TEA-1' }, 'lines'],
    [
      'a repeated sku',
      {
        lines: [
          { sku: 'TEA-1', quantity: 1 },
          { sku: 'TEA-1', quantity: 2 },
        ],
      },
      'lines',
    ],
    ['an unknown property', { lines: [{ sku: 'TEA-1', quantity: 1 }], discount: 100 }, 'discount'],
    ['an unknown property in a line', { lines: [{ sku: 'TEA-1', quantity: 1, price: 1 }] }, 'lines[0].price'],
  ])('answers 400 naming the field for %s', async (_, body, field) => {
    const response = await app.http.post('/v1/orders').send(body).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'request.invalid' });
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('answers 400 with a problem for a body that is not JSON', async () => {
    const response = await app.http
      .post('/v1/orders')
      .set('content-type', 'application/json')
      .send('{"customerId": "c", "lines": [')
      .expect(400);
    expect(response.body).toMatchObject({ status: 400, title: 'Bad Request', instance: '/v1/orders' });
    expect(response.body.correlationId).toBe(response.headers['x-request-id']);
  });

  it('answers 404 for an order that does not exist and 400 for an id that is not a UUID', async () => {
    const missing = await app.http.get('/v1/orders/00000000-0000-4000-8000-000000000000').expect(404);
    expect(missing.body).toMatchObject({ code: 'ordering.order-not-found' });
    const malformed = await app.http.get('/v1/orders/not-a-uuid').expect(400);
    expect(malformed.body).toMatchObject({ code: 'request.invalid', errors: [{ field: 'id', message: 'must be a UUID' }] });
  });

  it('keeps the caller X-Request-Id as the correlation id of a problem', async () => {
    const response = await app.http.get('/v1/orders/not-a-uuid').set('X-Request-Id', 'req-123').expect(400);
    expect(response.headers['x-request-id']).toBe('req-123');
    expect(response.body.correlationId).toBe('req-123');
  });
});

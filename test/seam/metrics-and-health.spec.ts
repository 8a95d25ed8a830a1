// @uses-modules catalog, inventory, ordering, payments
import { type Cluster, startCluster } from '../support/cluster';
import { eventually } from '../support/test-app';

/** The sum of the samples of `name` whose labels include `labels` in a Prometheus text exposition (undefined when none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

/**
 * The monolith (in this process) with inventory and payments in module host processes over
 * TCP: what `/metrics` and `/health/ready` say on both sides, with a host up, down and back.
 */
describe('metrics and readiness across the seam', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({
      remote: ['inventory', 'payments'],
      monolithEnv: { SEAMS_INVENTORY_BREAKER_THRESHOLD: '2', SEAMS_INVENTORY_BREAKER_HALF_OPEN_MS: '1000', SEAMS_QUERY_RETRIES: '0' },
    });
    await cluster.http('catalog').post('/v1/catalog/products').send({ sku: 'MET-1', name: 'M', priceMinor: 100, currency: 'EUR' }).expect(201);
    await cluster.http('inventory').put('/v1/inventory/stock/MET-1').send({ onHand: 100 }).expect(200);
  });

  afterAll(() => cluster?.close());

  it('count HTTP requests by route template and seam calls by module, message, mode and outcome, on both sides', async () => {
    const order = await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'MET-1', quantity: 1 }] }).expect(201);
    await cluster.http('ordering').get(`/v1/orders/${order.body.id}`).expect(200);
    await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'MET-1', quantity: 1000 }] }).expect(409);

    const monolith = await cluster.http('ordering').get('/metrics').expect(200);
    expect(monolith.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = monolith.text;
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/v1/orders', status: '201' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/orders/:id', status: '200' })).toBe(1);
    const sent = { module: 'inventory', message: 'inventory.reserve-stock.v1', kind: 'command', mode: 'remote', side: 'send' };
    expect(sample(text, 'seams_seam_call_duration_seconds_count', { ...sent, outcome: 'ok' })).toBe(1);
    expect(sample(text, 'seams_seam_call_duration_seconds_count', { ...sent, outcome: 'inventory.insufficient-stock' })).toBe(1);
    // ordering asks catalog for prices in this process
    expect(sample(text, 'seams_seam_call_duration_seconds_count', { module: 'catalog', mode: 'local', side: 'send', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'seams_circuit_breaker_state', { module: 'inventory' })).toBe(0);
    expect(sample(text, 'seams_outbox_depth', { module: 'ordering' })).toEqual(expect.any(Number));
    expect(sample(text, 'seams_outbox_lag_seconds', { module: 'ordering' })).toEqual(expect.any(Number));
    expect(sample(text, 'seams_outbox_parked', { module: 'ordering' })).toBe(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toEqual(expect.any(Number));

    const host = (await cluster.http('inventory').get('/metrics').expect(200)).text;
    const handled = { module: 'inventory', message: 'inventory.reserve-stock.v1', mode: 'remote', side: 'handle' };
    expect(sample(host, 'seams_seam_call_duration_seconds_count', { ...handled, outcome: 'ok' })).toBe(1);
    expect(sample(host, 'seams_seam_call_duration_seconds_count', { ...handled, outcome: 'inventory.insufficient-stock' })).toBe(1);
    expect(sample(host, 'seams_outbox_depth', { module: 'inventory' })).toEqual(expect.any(Number));
    expect(sample(host, 'nodejs_eventloop_lag_seconds')).toEqual(expect.any(Number));
  });

  it('count events on their way through the seam: sent by the relay, handled by the subscriber host', async () => {
    await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'MET-1', quantity: 1 }] }).expect(201);
    const placed = { module: 'payments', message: 'ordering.order-placed.v1', kind: 'event', mode: 'remote', side: 'send', outcome: 'ok' };
    // the payments host publishes payment-captured back to ordering, which handles it here
    const captured = { module: 'ordering', message: 'payments.payment-captured.v1', kind: 'event', side: 'handle', outcome: 'ok' };
    const counts = await eventually(
      async () => {
        const monolith = (await cluster.http('ordering').get('/metrics').expect(200)).text;
        const payments = (await cluster.http('payments').get('/metrics').expect(200)).text;
        return [
          sample(monolith, 'seams_seam_call_duration_seconds_count', placed) ?? 0,
          sample(monolith, 'seams_seam_call_duration_seconds_count', captured) ?? 0,
          sample(payments, 'seams_seam_call_duration_seconds_count', { ...placed, side: 'handle' }) ?? 0,
        ];
      },
      (values) => values.every((value) => value >= 1),
    );
    expect(counts.every((value) => value >= 1)).toBe(true);
  });

  it('put unknown paths in one series, so made-up URLs cannot multiply them', async () => {
    await cluster.http('ordering').get('/v1/nothing/here-1').expect(404);
    await cluster.http('ordering').get('/v1/nothing/here-2').expect(404);
    const text = (await cluster.http('ordering').get('/metrics').expect(200)).text;
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('here-1');
  });

  it('turn readiness 503 naming the module whose host is down, show the open breaker, and recover by themselves', async () => {
    // ordering sends commands to inventory; payments only subscribes to events (the outbox
    // keeps them while it is away), so readiness depends on inventory alone
    const ready = await cluster.http('ordering').get('/health/ready').expect(200);
    expect(Object.keys(ready.body.details).sort()).toEqual(['database:catalog', 'database:ordering', 'process', 'remote:inventory']);

    const reserve = { module: 'inventory', message: 'inventory.reserve-stock.v1', mode: 'remote', side: 'send' };
    await cluster.host('inventory').stop('SIGKILL');
    const down = await cluster.http('ordering').get('/health/ready').expect(503);
    expect(down.body.status).toBe('error');
    expect(Object.keys(down.body.error)).toEqual(['remote:inventory']);
    expect(down.body.error['remote:inventory'].status).toBe('down');
    expect(down.body.details['database:ordering'].status).toBe('up');
    await cluster.http('ordering').get('/health/live').expect(200);
    // catalog does not need inventory
    await cluster.http('catalog').get('/v1/catalog/products/MET-1').expect(200);

    // two failures open the breaker (threshold 2 here); the next call fails fast
    for (let i = 0; i < 2; i++) {
      await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'MET-1', quantity: 1 }] }).expect(503);
    }
    const fast = await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'MET-1', quantity: 1 }] }).expect(503);
    expect(fast.body.detail).toMatch(/circuit breaker is open/);
    let text = (await cluster.http('ordering').get('/metrics').expect(200)).text;
    expect(sample(text, 'seams_circuit_breaker_state', { module: 'inventory' })).toBe(1);
    expect(sample(text, 'seams_seam_call_duration_seconds_count', { ...reserve, outcome: 'seam.unavailable' })).toBe(3);

    await cluster.startHost('inventory');
    await cluster.http('ordering').get('/health/ready').expect(200);
    // calls fail fast until the half-open period is over; then one call tries, succeeds, and closes the breaker
    const answers: { status: number; detail?: string }[] = [];
    await eventually(
      async () => {
        const response = await cluster.http('ordering').post('/v1/orders').send({ lines: [{ sku: 'MET-1', quantity: 1 }] });
        answers.push({ status: response.status, detail: response.body.detail });
        return response.status;
      },
      (status) => status !== 503,
    );
    expect(answers.at(-1)).toMatchObject({ status: 201 });
    for (const refused of answers.slice(0, -1)) expect(refused).toEqual({ status: 503, detail: expect.stringMatching(/circuit breaker is open/) });
    text = (await cluster.http('ordering').get('/metrics').expect(200)).text;
    expect(sample(text, 'seams_circuit_breaker_state', { module: 'inventory' })).toBe(0);
  });
});

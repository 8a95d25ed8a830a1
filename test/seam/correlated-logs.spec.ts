// @uses-modules catalog, inventory
import { randomBytes, randomUUID } from 'node:crypto';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer, tokenFor } from '../support/auth';

/**
 * The logs of a monolith and an inventory host, read as the JSON lines they are: one request
 * must be followable across both by its correlation id.
 */
describe('logs across the seam', () => {
  let database: TestDatabase;
  let monolith: AppProcess;
  let host: AppProcess;
  let base: string;
  const json = { 'content-type': 'application/json', authorization: adminBearer() };

  beforeAll(async () => {
    database = await createTestDatabase();
    const [monolithPort, hostPort, seamPort] = [await freePort(), await freePort(), await freePort()];
    const env = { DATABASE_URL: database.url, SEAMS_INVENTORY_URL: `tcp://127.0.0.1:${seamPort}` };
    host = startAppProcess({ ...env, PORT: String(hostPort), SEAMS_HOST_MODULE: 'inventory' });
    await host.waitFor(/API at/);
    monolith = startAppProcess({ ...env, PORT: String(monolithPort), SEAMS_INVENTORY: 'remote' });
    await monolith.waitFor(/API at/);
    base = `http://127.0.0.1:${monolithPort}`;
    await fetch(`${base}/v1/catalog/products`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ sku: 'LOG-1', name: 'L', priceMinor: 1, currency: 'EUR' }),
    });
  });

  afterAll(async () => {
    await Promise.all([monolith?.stop(), host?.stop()]);
    await database?.drop();
  });

  const placeOrder = (headers: Record<string, string>) =>
    fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { ...json, ...headers },
      body: JSON.stringify({ lines: [{ sku: 'LOG-1', quantity: 1 }] }),
    });

  it('carry the X-Request-Id of one request in the monolith (HTTP, local and remote sends) and in the module host', async () => {
    const correlationId = `req-${randomUUID()}`;
    const response = await placeOrder({ 'x-request-id': correlationId });
    expect(response.status).toBe(409); // no stock: the answer came from the inventory host

    const http = await monolith.waitForLog({ correlationId, msg: /^POST \/v1\/orders 409/ });
    expect(http).toMatchObject({ level: 40, service: 'monolith', res: { statusCode: 409 }, responseTime: expect.any(Number) });
    const local = await monolith.waitForLog({ correlationId, event: 'seam.sent', mode: 'local', module: 'catalog' });
    expect(local).toMatchObject({ kind: 'query', outcome: 'ok', durationMs: expect.any(Number) });
    const sent = await monolith.waitForLog({ correlationId, event: 'seam.sent', message: 'inventory.reserve-stock.v1' });
    expect(sent).toMatchObject({
      service: 'monolith',
      component: 'seam',
      module: 'inventory',
      kind: 'command',
      mode: 'remote',
      outcome: 'inventory.insufficient-stock',
      durationMs: expect.any(Number),
    });
    const handled = await host.waitForLog({ correlationId, event: 'seam.handled', message: 'inventory.reserve-stock.v1' });
    expect(handled).toMatchObject({ service: 'inventory', module: 'inventory', mode: 'remote', outcome: 'inventory.insufficient-stock' });
  });

  it('take the trace id of an incoming traceparent as the correlation id when there is no X-Request-Id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await placeOrder({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(response.headers.get('x-request-id')).toBe(traceId);
    await monolith.waitForLog({ correlationId: traceId, event: 'seam.sent', message: 'inventory.reserve-stock.v1' });
    await host.waitForLog({ correlationId: traceId, event: 'seam.handled', message: 'inventory.reserve-stock.v1' });
  });

  it("ignore a malformed traceparent and never write the caller's token, though it travels to the host", async () => {
    const token = tokenFor({ sub: `alice-${randomUUID()}`, roles: ['customer'] });
    const response = await placeOrder({ traceparent: '00-zz-not-a-trace', authorization: `Bearer ${token}` });
    const correlationId = response.headers.get('x-request-id')!;
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const http = await monolith.waitForLog({ correlationId, msg: /^POST \/v1\/orders/ });
    expect((http.req as { headers: Record<string, string> }).headers.authorization).toBe('[redacted]');
    await host.waitForLog({ correlationId, event: 'seam.handled' });
    expect(monolith.output()).not.toContain(token);
    expect(host.output()).not.toContain(token);
    expect(monolith.output()).not.toContain(token.split('.')[2]); // not even the signature
  });
});

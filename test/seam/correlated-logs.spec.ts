import { randomUUID } from 'node:crypto';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('logs across the seam', () => {
  let database: TestDatabase;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await database?.drop();
  });

  it('carry the same correlation id in the monolith and in the module host for one request', async () => {
    const [monolithPort, hostPort, seamPort] = [await freePort(), await freePort(), await freePort()];
    const env = { DATABASE_URL: database.url, SEAMS_INVENTORY_URL: `tcp://127.0.0.1:${seamPort}` };
    const host = startAppProcess({ ...env, PORT: String(hostPort), SEAMS_HOST_MODULE: 'inventory' });
    processes.push(host);
    await host.waitFor(/API at/);
    const monolith = startAppProcess({ ...env, PORT: String(monolithPort), SEAMS_INVENTORY: 'remote' });
    processes.push(monolith);
    await monolith.waitFor(/API at/);

    const base = `http://127.0.0.1:${monolithPort}`;
    const json = { 'content-type': 'application/json' };
    await fetch(`${base}/v1/catalog/products`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ sku: 'LOG-1', name: 'L', priceMinor: 1, currency: 'EUR' }),
    });
    const correlationId = `req-${randomUUID()}`;
    const response = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { ...json, 'x-request-id': correlationId },
      body: JSON.stringify({ customerId: 'c', lines: [{ sku: 'LOG-1', quantity: 1 }] }),
    });
    expect(response.status).toBe(409); // no stock: the answer came from the inventory host
    await monolith.waitFor(new RegExp(`sent inventory\\.reserve-stock\\.v1 to inventory: inventory\\.insufficient-stock .*\\[correlation ${correlationId}\\]`));
    await host.waitFor(new RegExp(`handled inventory\\.reserve-stock\\.v1 for inventory: inventory\\.insufficient-stock .*\\[correlation ${correlationId}\\]`));
  });
});

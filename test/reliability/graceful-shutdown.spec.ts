// @uses-modules catalog, inventory
import { once } from 'node:events';
import { Client } from 'pg';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { adminBearer } from '../support/auth';
import { eventually } from '../support/test-app';

/**
 * SIGTERM with work under way, on real processes: the work under way finishes, new work is
 * refused, the process exits 0, and nothing committed is lost. The work is held up by a row
 * lock this test takes on the stock row, so "under way" is certain, not a race.
 */
describe('graceful shutdown', () => {
  let database: TestDatabase;
  const processes: AppProcess[] = [];
  const json = { 'content-type': 'application/json', authorization: adminBearer() };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await database?.drop();
  });

  async function start(env: Record<string, string>): Promise<{ process: AppProcess; base: string }> {
    const port = await freePort();
    const process = startAppProcess({ DATABASE_URL: database.url, PORT: String(port), ...env });
    processes.push(process);
    await process.waitFor(/API at/);
    return { process, base: `http://127.0.0.1:${port}` };
  }

  async function seed(base: string, stockBase: string, sku: string): Promise<void> {
    const product = await fetch(`${base}/v1/catalog/products`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ sku, name: sku, priceMinor: 100, currency: 'EUR' }),
    });
    expect(product.status).toBe(201);
    const stock = await fetch(`${stockBase}/v1/inventory/stock/${sku}`, { method: 'PUT', headers: json, body: JSON.stringify({ onHand: 10 }) });
    expect(stock.status).toBe(200);
  }

  /** Takes the stock row's lock; resolves once an order is waiting for it. */
  async function holdStock(sku: string): Promise<Client> {
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT * FROM inventory.stock_items WHERE sku = $1 FOR UPDATE', [sku]);
    return blocker;
  }

  async function someoneWaitsForLock(): Promise<void> {
    const watcher = new Client({ connectionString: database.url });
    await watcher.connect();
    try {
      const waiting = async () =>
        (await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).rows[0].n as number;
      await eventually(waiting, (n) => n > 0);
    } finally {
      await watcher.end();
    }
  }

  /** Resolves with the exit code once the process has exited and all it printed has been read (its pipes closed). */
  async function finished(process: AppProcess): Promise<number | string> {
    const code = await process.exited();
    for (const stream of [process.child.stdout!, process.child.stderr!]) if (!stream.closed) await once(stream, 'close');
    return code;
  }

  /** Whether the process logged that it cut work under way (or gave up and exited anyway). */
  const cutWork = (process: AppProcess) =>
    process.logs().some((line) => /was cut|exiting anyway/.test(String(line.msg)));

  const order = (base: string, sku: string) =>
    fetch(`${base}/v1/orders`, { method: 'POST', headers: json, body: JSON.stringify({ lines: [{ sku, quantity: 2 }] }) });

  it('lets an HTTP request under way finish, refuses new connections, exits 0, and keeps what it committed', async () => {
    const { process: monolith, base } = await start({});
    await seed(base, base, 'GS-1');
    const blocker = await holdStock('GS-1');
    const pending = order(base, 'GS-1');
    await someoneWaitsForLock();

    monolith.child.kill('SIGTERM');
    await monolith.waitForLog({ msg: /^SIGTERM received/ });
    await expect(fetch(`${base}/health/live`)).rejects.toThrow(); // no new connections
    await blocker.query('ROLLBACK');
    await blocker.end();

    // The order could only be placed once the lock was gone: a 201 means the process waited for it.
    const response = await pending;
    expect(response.status).toBe(201);
    const placed = (await response.json()) as { id: string };
    expect(await finished(monolith)).toBe(0);
    expect(cutWork(monolith)).toBe(false);
    expect(monolith.logs().at(-1)).toMatchObject({ msg: 'Stopped' });

    // Restarted: the order is there, and its events (delivered before or after) confirm it.
    const { base: again } = await start({});
    const status = async () =>
      ((await (await fetch(`${again}/v1/orders/${placed.id}`, { headers: { authorization: adminBearer() } })).json()) as { status: string }).status;
    expect(await eventually(status, (value) => value === 'CONFIRMED')).toBe('CONFIRMED');
    // ordering.order-confirmed.v1 reaches inventory after the order is CONFIRMED: wait for it too.
    const stock = async () =>
      (await (await fetch(`${again}/v1/inventory/stock/GS-1`, { headers: { authorization: adminBearer() } })).json()) as { onHand: number; reserved: number };
    expect(await eventually(stock, (value) => value.reserved === 0)).toMatchObject({ onHand: 8, reserved: 0 });
  });

  it('lets a module host answer the seam message under way, then stop; the caller gets its answer', async () => {
    const seamUrl = `tcp://127.0.0.1:${await freePort()}`;
    const env = { SEAMS_INVENTORY_URL: seamUrl };
    const { process: host, base: hostBase } = await start({ ...env, SEAMS_HOST_MODULE: 'inventory' });
    const { base } = await start({ ...env, SEAMS_INVENTORY: 'remote', SEAMS_TIMEOUT_MS: '20000' });
    await seed(base, hostBase, 'GS-2');
    const blocker = await holdStock('GS-2');
    const pending = order(base, 'GS-2');
    await someoneWaitsForLock();

    host.child.kill('SIGTERM');
    await host.waitForLog({ msg: /^SIGTERM received/ });
    await blocker.query('ROLLBACK');
    await blocker.end();

    // The host could only answer once the lock was gone: a 201 means it waited to answer.
    expect((await pending).status).toBe(201);
    expect(await finished(host)).toBe(0);
    expect(cutWork(host)).toBe(false);
    // Without its host, inventory is unavailable: a clear 503, not a hang.
    expect((await order(base, 'GS-2')).status).toBe(503);
  });

  it('cuts work that outlasts SEAMS_SHUTDOWN_TIMEOUT_MS, exits, and leaves nothing half done', async () => {
    const { process: monolith, base } = await start({ SEAMS_SHUTDOWN_TIMEOUT_MS: '1000' });
    await seed(base, base, 'GS-3');
    const blocker = await holdStock('GS-3');
    const pending = order(base, 'GS-3').then(
      (response) => response.status,
      () => 'cut',
    );
    await someoneWaitsForLock();

    monolith.child.kill('SIGTERM');
    await monolith.waitForLog({ level: 40, msg: /still under way after 1000 ms was cut/ });
    expect(await pending).toBe('cut');
    await blocker.query('ROLLBACK');
    await blocker.end();
    // 0, and no "exiting anyway": it stopped after the cut, not when its last-resort timer ran out.
    expect(await finished(monolith)).toBe(0);
    expect(monolith.logs()).not.toContainEqual(expect.objectContaining({ msg: expect.stringMatching(/exiting anyway/) }));

    const check = new Client({ connectionString: database.url });
    await check.connect();
    try {
      const { rows } = await check.query(`SELECT on_hand, reserved FROM inventory.stock_items WHERE sku = 'GS-3'`);
      expect(rows[0]).toEqual({ on_hand: 10, reserved: 0 });
    } finally {
      await check.end();
    }
  });
});

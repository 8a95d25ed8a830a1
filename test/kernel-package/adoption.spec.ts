import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { customerBearer } from '../support/auth';
import { eventually } from '../support/test-app';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { type FreshFolder, freshInstall, NEST_TSCONFIG, ROOT } from './fresh-install';

/**
 * Adoption, proven: the example of docs/adopting.md (every `ts file=...` and `js file=...`
 * block) in a new NestJS app with the packed kernel and its peers, no shop code. It compiles,
 * and runs against PostgreSQL: the command in one process, the same command with billing in a
 * second process over TCP, billing's event through the outbox both ways; the lint refuses a
 * deep import into the kernel.
 */
const DOC = readFileSync(join(ROOT, 'docs/adopting.md'), 'utf8');
const files = [...DOC.matchAll(/```(?:ts|js) file=(\S+)\n([\s\S]*?)```/g)].map(([, path, body]) => ({ path, body }));

describe('adopting the kernel in a new NestJS app (docs/adopting.md)', () => {
  let fresh: FreshFolder;
  let database: TestDatabase;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    fresh = await freshInstall(['@nestjs/platform-express', 'typescript', '@types/node', '@types/express', 'eslint', 'typescript-eslint']);
    for (const { path, body } of files) {
      mkdirSync(dirname(join(fresh.dir, path)), { recursive: true });
      writeFileSync(join(fresh.dir, path), body);
    }
    writeFileSync(
      join(fresh.dir, 'tsconfig.json'),
      JSON.stringify({ ...NEST_TSCONFIG, compilerOptions: { ...NEST_TSCONFIG.compilerOptions, rootDir: 'src' }, include: ['src'] }, null, 2),
    );
    database = await createTestDatabase();
  }, 300_000);

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((each) => each.stop()));
  });

  afterAll(async () => {
    await database?.drop();
    fresh?.remove();
  });

  it('has the example: two modules, their contracts and manifests, and the composition root', () => {
    expect(files.map(({ path }) => path)).toEqual(
      expect.arrayContaining(['src/billing/contract.ts', 'src/orders/contract.ts', 'src/main.ts', 'eslint.config.mjs']),
    );
  });

  it('compiles against the packed kernel', async () => {
    await fresh.exec(join('node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']);
  }, 120_000);

  const start = async (env: NodeJS.ProcessEnv, args: string[] = []) => {
    const port = await freePort();
    const child = startAppProcess(
      { DATABASE_URL: database.url, PORT: String(port), SEAMS_LOG_LEVEL: 'warn', ...env },
      {},
      [join(fresh.dir, 'dist', 'main.js'), ...args],
    );
    processes.push(child);
    const base = `http://127.0.0.1:${port}`;
    await eventually(
      () => fetch(`${base}/health/ready`).then((response) => response.status, () => 0),
      (status) => status === 200 || child.child.exitCode !== null,
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${child.output()}`);
    });
    if (child.child.exitCode !== null) throw new Error(`the app exited:\n${child.output()}`);
    return base;
  };

  const placeAndWaitUntilPaid = async (base: string) => {
    const orderId = randomUUID();
    const placed = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: customerBearer('alice') },
      body: JSON.stringify({ orderId, amountMinor: 1200 }),
    });
    expect(placed.status).toBe(201);
    const { chargeId } = (await placed.json()) as { chargeId: string };
    expect(chargeId).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(
      () => fetch(`${base}/v1/orders/${orderId}`, { headers: { authorization: customerBearer('alice') } }).then((response) => response.json() as Promise<{ paid?: boolean }>),
      (order) => order.paid === true,
    );
    return { orderId, chargeId };
  };

  const rowsOf = async (sql: string, values: unknown[]) => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };

  it('runs the command in one process, and delivers billing’s event to orders through the outbox', async () => {
    const base = await start({});
    const { orderId, chargeId } = await placeAndWaitUntilPaid(base);
    expect(await rowsOf('SELECT id FROM billing.charges WHERE order_id = $1', [orderId])).toEqual([{ id: chargeId }]);
    const delivered = await eventually(
      () =>
        rowsOf(
          `SELECT d.subscriber, d.status, o.name FROM billing.seams_outbox o JOIN billing.seams_deliveries d ON d.event_id = o.id WHERE o.payload->>'orderId' = $1`,
          [orderId],
        ),
      (rows) => rows.length === 1 && rows[0].status === 'DELIVERED',
    );
    expect(delivered).toEqual([{ subscriber: 'orders', status: 'DELIVERED', name: 'billing.customer-charged.v1' }]);
    // The same order again: the handler does not catch the duplicate key; the kernel answers 409.
    const again = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: customerBearer('alice') },
      body: JSON.stringify({ orderId, amountMinor: 1200 }),
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await again.json()).toMatchObject({ code: 'persistence.unique-violation', constraint: 'orders_pkey' });
    // A bad payload is refused at the edge with a problem response, before any handler runs.
    const refused = await fetch(`${base}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: customerBearer('alice') }, body: '{"orderId":"nope"}' });
    // Without a token: 401, before anything runs.
    expect((await fetch(`${base}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
  }, 60_000);

  it('runs the same command with billing in a second process over TCP, and the event comes back across the seam', async () => {
    const [billingPort, ordersPort] = [await freePort(), await freePort()];
    const seams = { SEAMS_BILLING_URL: `tcp://127.0.0.1:${billingPort}`, SEAMS_ORDERS_URL: `tcp://127.0.0.1:${ordersPort}` };
    await start(seams, ['--module', 'billing']);
    const base = await start({ ...seams, SEAMS_BILLING: 'remote' });
    const health = (await (await fetch(`${base}/health/ready`)).json()) as { details: Record<string, unknown> };
    expect(Object.keys(health.details)).toEqual(expect.arrayContaining(['database:orders', 'remote:billing']));
    expect(Object.keys(health.details)).not.toContain('database:billing');
    const { orderId, chargeId } = await placeAndWaitUntilPaid(base);
    expect(await rowsOf('SELECT id FROM billing.charges WHERE order_id = $1', [orderId])).toEqual([{ id: chargeId }]);
  }, 90_000);

  it('lints a deep import into the kernel as an error, by subpath or by path', async () => {
    writeFileSync(
      join(fresh.dir, 'src', 'deep.ts'),
      "export { RoutingSeam } from '@seams/kernel/seam/routing-seam';\nexport * from '../node_modules/@seams/kernel/dist/seam/routing-seam';\n",
    );
    const lint = fresh.exec(join('node_modules', '.bin', 'eslint'), ['src/deep.ts', 'src/main.ts']);
    await expect(lint).rejects.toThrow(/Import the kernel by its subpaths only[\s\S]*Import the kernel by name/);
    await expect(fresh.exec(join('node_modules', '.bin', 'eslint'), ['src'], {}).catch(() => 'failed')).resolves.toBe('failed');
    await fresh.exec(join('node_modules', '.bin', 'eslint'), ['src/main.ts', 'src/billing', 'src/orders']);
  }, 60_000);
});

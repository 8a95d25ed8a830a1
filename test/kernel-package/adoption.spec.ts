import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { customerBearer } from '../support/auth';
import { eventually } from '../support/test-app';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { type FreshFolder, ROOT } from './fresh-install';

const run = promisify(execFile);

/**
 * The Node the example is installed, built and run with: this one, or another supported line
 * (`SEAMS_ADOPTION_NODE`, the path of its `node`; .ci/adoption-node-lines.sh installs Node 22
 * and 24 from the npm registry and runs this suite with each). Its folder goes first on PATH,
 * so `npm` and the tools run on it too.
 */
const NODE = process.env.SEAMS_ADOPTION_NODE ?? process.execPath;
const NODE_PATH_ENV = { PATH: `${dirname(NODE)}:${process.env.PATH ?? ''}` };
const nodeMajor = Number(execFileSync(NODE, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());

/** Commands in `dir`, their output on failure. */
function folderAt(dir: string): FreshFolder {
  return {
    dir,
    exec: async (command, args, options = {}) => {
      try {
        return await run(command, [...args], { cwd: dir, timeout: options.timeoutMs ?? 120_000, env: { ...process.env, ...NODE_PATH_ENV, ...options.env }, maxBuffer: 64 << 20 });
      } catch (error) {
        const failed = error as Error & { stdout?: string; stderr?: string };
        throw new Error(`${command} ${args.join(' ')} failed in ${dir}: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`, { cause: error });
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Adoption, proven: docs/adopting.md followed verbatim in an empty folder: the packed kernel,
 * the page's package.json and tsconfig.json, `npm install` with no lockfile (the newest versions
 * the ranges allow, from the registry: no `ERESOLVE`, no `EBADENGINE`), and the example (every
 * `ts file=...` and `js file=...` block), no shop code. It compiles under TypeScript 6's strict
 * defaults, and runs against PostgreSQL: the command in one process, the same command with billing in a
 * second process over TCP, billing's event through the outbox both ways; the lint refuses a
 * deep import into the kernel.
 */
const DOC = readFileSync(join(ROOT, 'docs/adopting.md'), 'utf8');
const files = [...DOC.matchAll(/```(?:ts|js|json) file=(\S+)\n([\s\S]*?)```/g)].map(([, path, body]) => ({ path, body }));

describe(`adopting the kernel in a new NestJS app (docs/adopting.md), on Node ${nodeMajor}`, () => {
  let fresh: FreshFolder;
  let installOutput: { stdout: string; stderr: string };
  let database: TestDatabase;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    // As a team follows the page: an empty folder, the packed kernel, the page's own files, `npm install`.
    const dir = mkdtempSync(join(tmpdir(), 'seams-adopt-'));
    fresh = folderAt(dir);
    await run('npm', ['pack', '--workspace', '@seams/kernel', '--pack-destination', dir], { cwd: ROOT, timeout: 60_000 });
    for (const { path, body } of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), body);
    }
    // The page: the `overrides` entry is for Node 20; on Node 22 or 24 leave it out.
    if (nodeMajor >= 22) {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { overrides?: unknown };
      delete manifest.overrides;
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    }
    installOutput = await fresh.exec('npm', ['install'], { timeoutMs: 420_000 });
    database = await createTestDatabase();
  }, 480_000);

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((each) => each.stop()));
  });

  afterAll(async () => {
    await database?.drop();
    fresh?.remove();
  });

  it('has the example: its package.json and tsconfig.json, two modules, their contracts and manifests, and the composition root', () => {
    expect(files.map(({ path }) => path)).toEqual(
      expect.arrayContaining(['package.json', 'tsconfig.json', 'src/billing/contract.ts', 'src/orders/contract.ts', 'src/main.ts', 'eslint.config.mjs']),
    );
  });

  it('installs from the registry with no peer conflict or engine warning, the newest versions the ranges allow', async () => {
    // on the Node it was meant to run on
    expect((await fresh.exec('node', ['--version'])).stdout.trim()).toMatch(new RegExp(`^v${nodeMajor}\\.`));
    // and npm itself ran on it (`npm version` names the Node it runs on)
    expect(String((JSON.parse((await fresh.exec('npm', ['version', '--json'])).stdout) as { node: string }).node).split('.')[0]).toBe(String(nodeMajor));
    expect(`${installOutput.stdout}\n${installOutput.stderr}`).not.toMatch(/ERESOLVE|EBADENGINE/);
    // Not this repository's locked versions: what the ranges allow today.
    const installed = (name: string) => (JSON.parse(readFileSync(join(fresh.dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    const versions = JSON.parse((await fresh.exec('npm', ['view', '@nestjs/common@^12.5.1', 'version', '--json'])).stdout) as string | string[];
    expect(installed('@nestjs/common')).toBe([versions].flat().at(-1));
    expect(installed('@types/express')).toMatch(/^5\./);
    expect(installed('typescript')).toMatch(/^6\./);
  }, 60_000);

  it('compiles against the packed kernel with the page’s tsconfig.json (TypeScript 6, strict)', async () => {
    await fresh.exec(join('node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']);
  }, 120_000);

  const start = async (env: NodeJS.ProcessEnv, args: string[] = []) => {
    const port = await freePort();
    const child = startAppProcess(
      { DATABASE_URL: database.url, PORT: String(port), SEAMS_LOG_LEVEL: 'warn', ...env },
      { node: NODE },
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

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { customerBearer } from '../support/auth';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { eventually } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ROOT } from './fresh-install';

/**
 * docs/adopting.md as a new team follows it, from the registry: an empty folder, the page's own
 * package.json and tsconfig.json, the packed kernel, and `npm install` with no lockfile, so npm
 * resolves the newest versions the ranges allow (not this repository's locked ones). It must
 * print no `ERESOLVE` and no `EBADENGINE`; the page's example then compiles under TypeScript 6's
 * strict defaults and runs: ready, an order placed, the same order again a 409.
 */
const run = promisify(execFile);
const DOC = readFileSync(join(ROOT, 'docs/adopting.md'), 'utf8');
const files = [...DOC.matchAll(/```(?:ts|js|json) file=(\S+)\n([\s\S]*?)```/g)].map(([, path, body]) => ({ path, body }));

describe('docs/adopting.md from the registry, verbatim, in an empty folder', () => {
  let dir: string;
  let database: TestDatabase;
  let app: AppProcess | undefined;
  const exec = async (command: string, args: string[], timeout = 300_000) =>
    run(command, args, { cwd: dir, timeout, maxBuffer: 64 << 20, env: { ...process.env, npm_config_loglevel: 'warn' } }).catch((error: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`${command} ${args.join(' ')} failed in ${dir}: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`, { cause: error });
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seams-registry-'));
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the page’s package.json and tsconfig.json', () => {
    expect(files.map((file) => file.path)).toEqual(expect.arrayContaining(['package.json', 'tsconfig.json', 'src/main.ts']));
  });

  it('installs with no peer conflict or engine warning, the newest versions in range', async () => {
    await run('npm', ['pack', '--workspace', '@seams/kernel', '--pack-destination', dir], { cwd: ROOT, timeout: 60_000 });
    expect(readdirSync(dir)).toEqual(['seams-kernel-0.1.0.tgz']);
    for (const { path, body } of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), body);
    }
    const { stdout, stderr } = await exec('npm', ['install']);
    expect(`${stdout}\n${stderr}`).not.toMatch(/ERESOLVE|EBADENGINE/);
    // Resolved from the registry, not from this repository's lockfile: what the ranges allow today.
    const installed = (name: string) => (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    const latest = async (spec: string) => JSON.parse((await exec('npm', ['view', spec, 'version', '--json'])).stdout) as string | string[];
    const newest = await latest('@nestjs/common@^12.5.1');
    expect(installed('@nestjs/common')).toBe(Array.isArray(newest) ? newest[newest.length - 1] : newest);
    expect(installed('@types/express')).toMatch(/^5\./);
  }, 600_000);

  it('compiles the example with the page’s tsconfig.json (TypeScript 6, strict)', async () => {
    await exec(join('node_modules', '.bin', 'tsc'), ['-p', '.']);
  }, 120_000);

  it('runs it: ready, an order placed, and the same order again a 409 problem', async () => {
    const port = await freePort();
    app = startAppProcess({ DATABASE_URL: database.url, PORT: String(port), SEAMS_LOG_LEVEL: 'warn' }, { cwd: dir }, [join(dir, 'dist', 'main.js')]);
    const base = `http://127.0.0.1:${port}`;
    await eventually(() => fetch(`${base}/health/ready`).then((response) => response.status, () => 0), (status) => status === 200 || app!.child.exitCode !== null, 60_000);
    expect(app.child.exitCode).toBeNull();
    const order = { orderId: randomUUID(), amountMinor: 700 };
    const post = () => fetch(`${base}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: customerBearer('alice') }, body: JSON.stringify(order) });
    expect((await post()).status).toBe(201);
    const again = await post();
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'persistence.unique-violation', status: 409 });
  }, 120_000);
});

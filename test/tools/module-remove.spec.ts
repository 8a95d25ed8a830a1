// @uses-modules catalog, inventory, ordering, payments
/**
 * module:remove on the shop: its refusals, the removal of the four as a group, and (slow) the
 * real CLI in a copy of the repository. It uses the shop, so removing the shop removes it;
 * module-remove.unit.spec.ts, which needs no module, stays.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { planRemoval, RemovalRefused } from '../../tools/remove-module/plan';
import { freePort, startAppProcess } from '../support/processes';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);
const SHOP = ['catalog', 'inventory', 'ordering', 'payments'];

describe('npm run module:remove: what it removes of the shop and what it refuses', () => {
  it('refuses an unknown name in one line, naming the modules there are', () => {
    expect(() => planRemoval(ROOT, ['inventori'])).toThrow(RemovalRefused);
    expect(() => planRemoval(ROOT, ['inventori'])).toThrow(/^no module named "inventori" \(modules: .*inventory.*\)$/);
  });

  it('refuses a removal that leaves a module importing a removed contract, naming both modules and the file', () => {
    let refusal: Error | undefined;
    try {
      planRemoval(ROOT, ['inventory']);
    } catch (error) {
      refusal = error as Error;
    }
    expect(refusal).toBeInstanceOf(RemovalRefused);
    expect(refusal!.message).toMatch(/^cannot remove inventory: module ordering imports inventory's contract \(modules\/ordering\/[^)]+\.ts\); remove ordering too/);
    expect(refusal!.message).not.toContain('\n');
  });

  it("removes the shop as a group: its code, migrations, snapshots and docs sections, and the tests that import it, say they use it, or import such a test", () => {
    const removal = planRemoval(ROOT, SHOP);
    const paths = removal.files.map((file) => file.path);
    for (const name of SHOP) {
      expect(paths).toContain(`modules/${name}/${name}.manifest.ts`);
      expect(paths).toContain(`contracts/${name}.json`);
      expect(paths.some((path) => path.startsWith(`migrations/${name}/`))).toBe(true);
    }
    expect(removal.files).toEqual(
      expect.arrayContaining([
        { path: 'test/contracts/inventory.contract.spec.ts', why: "inventory's contract suite" },
        { path: 'test/modules/ordering.isolated.spec.ts', why: "ordering's module test" },
        { path: 'test/support/fakes.ts', why: expect.stringMatching(/^imports catalog's code/) },
        { path: 'test/support/shop.ts', why: expect.stringMatching(/^uses \w+ \(@uses-modules\)$/) },
        { path: 'test/e2e/order-flow.spec.ts', why: expect.stringMatching(/^imports test\/support\/(shop|cluster)\.ts, removed$|^uses/) },
        { path: 'test/tools/module-new.shop.spec.ts', why: expect.stringMatching(/^uses/) },
        { path: 'contracts/pacts/ordering-inventory.json', why: expect.stringMatching(/^a pact of \w+ \(ordering with inventory\)$/) },
        { path: 'test/pacts/providers.spec.ts', why: expect.stringMatching(/^imports|^uses/) },
      ]),
    );
    expect(paths.filter((path) => path.startsWith('contracts/pacts/')).sort()).toEqual(
      ['inventory-ordering', 'ordering-catalog', 'ordering-inventory', 'ordering-payments', 'payments-ordering'].map((name) => `contracts/pacts/${name}.json`),
    );
    // What knows no module stays: the harness the generated contract suites use, the boundary spec, module:new's own tests.
    for (const kept of ['test/support/module-harness.ts', 'test/support/cluster.ts', 'test/boundaries/boundaries.spec.ts', 'test/tools/module-new.spec.ts', 'test/tools/module-remove.unit.spec.ts']) {
      expect(paths).not.toContain(kept);
    }
    expect(removal.manifests).toContain('export const MANIFESTS: readonly ModuleManifest[] = [];');
    expect(removal.modulesDoc?.sections).toEqual(SHOP);
  });
});

/**
 * SLOW (several minutes; limit 25 min): in a copy of the repository (without node_modules,
 * .git, dist and .data; node_modules linked; a git repository of its own), the real CLI:
 * refusals change nothing; module:new then module:remove of one module leaves `git status`
 * clean; removing the whole shop leaves an app that type-checks, lints, builds, starts and
 * answers ready, and whose remaining tests (the kernel's, the boundaries', the tools') pass
 * (but for the slowest, which know no module and run on the same kernel in the main run).
 */
describe('npm run module:remove, end to end in a copy of the repository (slow)', () => {
  let copy: string;
  const inCopy = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(command, args, { cwd: copy, env: { ...process.env, CI: undefined, ...env }, maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => {
        throw new Error(`${command} ${args.join(' ')} failed (${error.code}):\n${error.stdout}\n${error.stderr}`);
      },
    );
  const status = async () => (await inCopy('git', ['status', '--porcelain'])).stdout;

  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), 'seams-module-remove-'));
    const skip = new Set(['node_modules', '.git', 'dist', '.data', 'coverage']);
    cpSync(ROOT, copy, { recursive: true, filter: (source) => !skip.has(relative(ROOT, source).split(/[\\/]/)[0]) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    await inCopy('git', ['init', '--quiet']);
    await inCopy('git', ['add', '-A']);
    await inCopy('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'copy']);
  }, 120_000);
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('refuses with exit code 2 and one line, writing nothing; removes a new module so that the tree is as it was', async () => {
    await inCopy('npx', ['tsc', '-p', 'tsconfig.tools.json']);
    for (const [args, line] of [
      [['nope'], 'module:remove: no module named "nope" (modules: catalog, inventory, ordering, payments)'],
      [['inventory'], "module:remove: cannot remove inventory: module ordering imports inventory's contract"],
      [['catalog', 'inventory', 'payments'], "module:remove: cannot remove"],
    ] as const) {
      const refusal = (await inCopy('node', ['dist/tools/tools/remove-module/main.js', ...args]).catch((error: Error) => error)) as Error;
      expect(refusal.message).toMatch(/failed \(2\)/);
      expect(refusal.message).toContain(line);
      expect(refusal.message.split('\n').filter((text) => text.startsWith('module:remove:'))).toHaveLength(1);
    }
    expect(await status()).toBe('');

    await inCopy('npm', ['run', '--silent', 'module:new', '--', 'shipping']);
    expect(await status()).not.toBe('');
    const { stdout } = await inCopy('npm', ['run', '--silent', 'module:remove', '--', 'shipping']);
    expect(stdout).toContain('module:remove: removed shipping:');
    expect(stdout).toContain('  - modules/shipping/shipping.manifest.ts');
    expect(stdout).toContain("  - test/contracts/shipping.contract.spec.ts   (shipping's contract suite)");
    expect(stdout).toContain('  - contracts/shipping.json');
    // The route rows module:new added to README.md and docs/modules.md go with it.
    expect(stdout).toContain('  ~ README.md (2 route rows removed)');
    expect(stdout).toContain('  ~ docs/modules.md (2 route rows removed)');
    expect(await status()).toBe('');
  }, 300_000);

  it('removes the whole shop; what is left type-checks, lints, builds, starts, answers ready, stops cleanly and passes its tests', async () => {
    const { stdout } = await inCopy('npm', ['run', '--silent', 'module:remove', '--', ...SHOP]);
    expect(stdout).toContain('module:remove: removed catalog, inventory, ordering, payments:');
    for (const file of ['test/support/fakes.ts', 'test/support/shop.ts', 'test/e2e/order-flow.spec.ts', 'test/contracts/inventory.contract.spec.ts', 'migrations/ordering/index.ts']) {
      expect(stdout).toContain(`  - ${file}`);
      expect(existsSync(join(copy, file))).toBe(false);
    }
    expect(existsSync(join(copy, 'modules', 'catalog'))).toBe(false);
    expect(readFileSync(join(copy, 'src', 'host', 'manifests.ts'), 'utf8')).not.toMatch(/catalog|inventory|ordering|payments/);
    expect(readFileSync(join(copy, 'docs', 'modules.md'), 'utf8')).not.toMatch(/^## (catalog|inventory|ordering|payments)$/m);
    expect(readFileSync(join(copy, 'docs', 'architecture.md'), 'utf8')).not.toContain('inventory.reserve-stock.v1');
    // the compose file's split profile extracted inventory: it goes, and so does the payments setting of the app service
    expect(stdout).toContain('  ~ docker-compose.yml (the split profile of inventory, PAYMENTS_DECLINE_ABOVE_MINOR removed)');
    expect(readFileSync(join(copy, 'docker-compose.yml'), 'utf8')).not.toMatch(/inventory|--profile split|PAYMENTS_/);

    await inCopy('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
    await inCopy('npm', ['run', '--silent', 'lint']);
    await inCopy('npm', ['run', '--silent', 'lint:kernel']);
    await inCopy('npm', ['run', '--silent', 'contracts:check', '--', '--frozen']);
    await inCopy('npm', ['run', '--silent', 'build']);

    const app = startAppProcess({ DATABASE_URL: process.env.SEAMS_TEST_SERVER_URL, SEAMS_AUTH_DEV: 'on', PORT: String(await freePort()) }, {}, [
      join(copy, 'dist', 'src', 'main.js'),
    ]);
    try {
      await app.waitFor(/API at http/, 60_000);
      const url = /API at (https?:\/\/[^/\s"]+)/.exec(app.output())?.[1];
      expect(url).toBeDefined();
      await request(url!).get('/health/ready').expect(200);
    } finally {
      expect(await app.stop('SIGTERM')).toBe(0);
    }

    // The simulation (its random runs and its regressions) and the kernel package's
    // pack-and-install tests know no module and run on the same kernel in this very run; they are
    // the slowest, so the copy leaves them out.
    const alreadyRun = ['/test/sim/simulation\\.spec\\.ts$', '/test/sim/regressions\\.spec\\.ts$', '/test/kernel-package/'];
    const tests = await inCopy('npx', ['jest', '--ci', '--testPathIgnorePatterns', ...alreadyRun], { DATABASE_URL: process.env.SEAMS_TEST_SERVER_URL });
    expect(tests.stderr).toMatch(/Tests:\s+(\d+ skipped, )?\d+ passed, \d+ total/);
    expect(tests.stderr).toContain('PASS test/boundaries/boundaries.spec.ts');
    expect(tests.stderr).not.toContain('FAIL ');
  }, 1_500_000);
});

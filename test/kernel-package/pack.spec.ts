import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/processes';
import { type FreshFolder, freshInstall, kernelSubpaths, NEST_TSCONFIG } from './fresh-install';

/**
 * `npm pack --workspace @seams/kernel` is what a team installs: in a folder of its own, with
 * only the kernel's peer dependencies (TypeScript and Node's and Express's types beside them),
 * every subpath must resolve, type-check and load.
 */
describe('the @seams/kernel tarball', () => {
  let fresh: FreshFolder;

  beforeAll(async () => {
    fresh = await freshInstall(['typescript', '@types/node', '@types/express']);
  }, 300_000);

  afterAll(() => fresh?.remove());

  it('type-checks an import of every subpath, the libraries’ declarations included', async () => {
    const subpaths = kernelSubpaths();
    expect(subpaths).toEqual(expect.arrayContaining(['primitives', 'context', 'seam', 'persistence', 'messaging', 'security', 'observability', 'http', 'host', 'testing']));
    writeFileSync(
      join(fresh.dir, 'index.ts'),
      subpaths.map((subpath, i) => `import * as kernel${i} from '@seams/kernel/${subpath}';`).join('\n') +
        `\nexport const subpaths = [${subpaths.map((_, i) => `kernel${i}`).join(', ')}];\n`,
    );
    writeFileSync(join(fresh.dir, 'tsconfig.json'), JSON.stringify({ ...NEST_TSCONFIG, include: ['index.ts'] }, null, 2));
    await fresh.exec(join('node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  }, 120_000);

  it('loads every subpath in Node, with nothing but its dependencies and peers installed', async () => {
    const script = `require('reflect-metadata'); for (const s of ${JSON.stringify(kernelSubpaths())}) { const m = require('@seams/kernel/' + s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); }`;
    await fresh.exec(process.execPath, ['-e', script]);
  }, 60_000);

  it('refuses a path into the package that is not one of its subpaths', async () => {
    await expect(fresh.exec(process.execPath, ['-e', "require('@seams/kernel/seam/routing-seam')"])).rejects.toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  }, 60_000);

  it('ships no build output whose source is gone (a file renamed or deleted since the last build)', () => {
    const stale = join(ROOT, 'packages', 'kernel', 'dist', 'seam', 'stale-probe.js');
    writeFileSync(stale, 'module.exports = {};\n');
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--workspace', '@seams/kernel', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [{ files: { path: string }[] }];
    expect(packed.files.map((file) => file.path)).not.toContain('dist/seam/stale-probe.js');
    expect(packed.files.map((file) => file.path)).toContain('dist/seam/index.js');
    expect(existsSync(stale)).toBe(false);
  }, 120_000);
});

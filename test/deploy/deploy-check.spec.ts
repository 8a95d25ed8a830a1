// @uses-modules catalog, inventory, ordering, payments
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { codeBlocks, matchesText, section } from '../support/readme-blocks';
import { ROOT } from '../support/processes';
import { previousRelease } from '../support/releases';

/**
 * `npm run deploy:check` on the real shop: its processes, N-1's build from releases.json, and
 * refs made here for the cases where the answer is no (a commit object of this repository's own
 * tree with other contract files, on no branch).
 */
const run = promisify(execFile);
const CLI = join(ROOT, 'dist', 'tools', 'tools', 'deploy-check', 'main.js');
const check = (...args: string[]) =>
  run(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, CI: '' }, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

/** A commit of HEAD's tree with `files` (path → contents) replaced or added: a ref the check can be pointed at. */
function refWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'seams-ref-'));
  const env = { ...process.env, GIT_INDEX_FILE: join(folder, 'index') };
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: ROOT, env, input, encoding: 'utf8' }).trim();
  try {
    git(['read-tree', 'HEAD']);
    for (const [path, text] of Object.entries(files)) git(['update-index', '--add', '--cacheinfo', `100644,${git(['hash-object', '-w', '--stdin'], text)},${path}`]);
    const tree = git(['write-tree']);
    return git(['commit-tree', tree, '-p', 'HEAD', '-m', 'deploy:check test: contracts as another release had them'], undefined);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('npm run deploy:check', () => {
  beforeAll(() => {
    // The tool as `npm run deploy:check` builds it (npm test has built the app).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.tools.json'], { cwd: ROOT });
  }, 120_000);

  it('refuses a module that does not exist, or a ref that is not one, in one line', async () => {
    const unknown = await check('shipping');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('deploy:check: there is no module "shipping" (there are: catalog, inventory, ordering, payments)');
    const ref = await check('catalog', '--against', 'no-such-release');
    expect(ref.code).toBe(2);
    expect(ref.stderr.trim()).toBe('deploy:check: "no-such-release" is neither a release in releases.json nor a commit of this repository');
    expect((await check()).stderr.trim()).toBe('deploy:check: name the modules to deploy (or --all)');
  });

  it('says yes for ordering now with the rest at N-1 (its pacts hold against its providers as N-1 built them), noting that its pending reserve-stock.v2 must wait', async () => {
    const result = await check('ordering');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const provider of ['catalog', 'inventory', 'payments']) {
      expect(result.stdout).toContain(`· ${provider} at ${previousRelease().commit} (${previousRelease().commit.slice(0, 12)}, in a host of its own): 1 pact(s) verified (pass)`);
    }
    expect(result.stdout).toContain(
      `· pending: ordering's "a reservation of an order’s stock, as reserve-stock.v2" is not yet met by inventory at ${previousRelease().commit.slice(0, 12)} (seam.unknown-message)`,
    );
    expect(result.stdout).toContain('yes: ordering can go out now');
    // The README shows this run: its lines, in order (… for the commit).
    const readme = section(readFileSync(join(ROOT, 'README.md'), 'utf8'), '## Deploying one module on its own');
    const shown = codeBlocks(readme.text).find((block) => block.text.startsWith('$ npm run deploy:check -- ordering'))!;
    const printed = result.stdout.trim().split('\n');
    expect(shown.text.split('\n').slice(1).map((line, i) => ({ line, matches: matchesText(line, printed[i] ?? '') }))).toEqual(
      shown.text.split('\n').slice(1).map((line) => ({ line, matches: true })),
    );
  }, 600_000);

  it('says no, with the reasons, when catalog now breaks what the other release relied on', async () => {
    const pact = JSON.parse(readFileSync(join(ROOT, 'contracts', 'pacts', 'ordering-catalog.json'), 'utf8')) as {
      interactions: { response: { contents: { content: { value: Record<string, unknown>[] } } }[] }[];
    };
    // That release's ordering relied on a field catalog does not answer now.
    pact.interactions[0].response[0].contents.content.value[0].stockLevel = 3;
    const snapshot = JSON.parse(readFileSync(join(ROOT, 'contracts', 'catalog.json'), 'utf8')) as { messages: Record<string, unknown> };
    // And that release's catalog published a message catalog no longer does.
    snapshot.messages['catalog.get-product-images.v1'] = snapshot.messages['catalog.get-products.v1'];
    const ref = refWith({ 'contracts/pacts/ordering-catalog.json': JSON.stringify(pact, null, 2), 'contracts/catalog.json': JSON.stringify(snapshot, null, 2) });

    const result = await check('catalog', '--against', ref);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no: catalog must not go out now:');
    expect(result.stderr).toContain(`✗ breaking change to a published message since ${ref}: catalog › catalog.get-product-images.v1: message removed`);
    expect(result.stderr).toMatch(
      /✗ catalog now breaks a pact its consumer committed at \w+: Verifying a pact between ordering and catalog Given product TEA-1 is listed at 450 EUR - the prices of the products an order names: \$\.value\[0\] .*stockLevel/,
    );
  }, 600_000);
});

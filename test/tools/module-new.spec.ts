import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { createModule } from '../../tools/new-module/main';
import { nameProblem, namesOf, RESERVED } from '../../tools/new-module/names';
import { withManifestRegistered } from '../../tools/new-module/register';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

describe('npm run module:new: names', () => {
  it.each([
    ['Shipping', 'lower-case kebab case'],
    ['ship_ping', 'lower-case kebab case'],
    ['ship ping', 'lower-case kebab case'],
    ['1shipping', 'lower-case kebab case'],
    ['-shipping', 'lower-case kebab case'],
    ['shipping-', 'lower-case kebab case'],
    ['gift--cards', 'lower-case kebab case'],
    ['', 'lower-case kebab case'],
    ['s', 'must have 2-30 characters'],
    ['a'.repeat(31), 'must have 2-30 characters'],
    ['kernel', 'is reserved (it names the repository layout)'],
    ['host', 'is reserved (it names the repository layout)'],
    ['domain', 'is reserved (it names a module layer)'],
    ['monolith', 'is reserved (it names a process role or the seam)'],
    ['tls', 'is reserved (it names a global SEAMS_* setting)'],
    ['public', 'is reserved (it names a PostgreSQL schema)'],
    ['inventory', 'a module named "inventory" exists already'],
  ])('refuses "%s": %s', (name, reason) => {
    expect(nameProblem(name, ['catalog', 'inventory', 'ordering', 'payments'])).toContain(reason);
  });

  it.each(['shipping', 'gift-cards', 'b2b', 'returns-v2'])('accepts "%s"', (name) => {
    expect(nameProblem(name, ['catalog', 'inventory'])).toBeUndefined();
  });

  it('reserves the first word of every global SEAMS_* setting the kernel reads', () => {
    for (const word of ['host', 'namespace', 'timeout', 'tls', 'relay', 'outbox', 'log', 'breaker', 'bulkhead', 'query', 'data', 'db', 'embedded', 'shutdown']) {
      expect(RESERVED).toHaveProperty([word]);
    }
  });

  it('derives the identifiers, the SQL schema and the settings from the name', () => {
    expect(namesOf('gift-cards')).toEqual({
      name: 'gift-cards',
      camel: 'giftCards',
      pascal: 'GiftCards',
      sqlSchema: '"gift-cards"',
      setting: 'SEAMS_GIFT-CARDS',
    });
    expect(namesOf('shipping')).toMatchObject({ camel: 'shipping', pascal: 'Shipping', sqlSchema: 'shipping', setting: 'SEAMS_SHIPPING' });
  });

  it('registers the manifest in src/host/manifests.ts, one import and one MANIFESTS entry', () => {
    const source = readFileSync(join(ROOT, 'src', 'host', 'manifests.ts'), 'utf8');
    const registered = withManifestRegistered(source, namesOf('gift-cards'));
    expect(registered).toContain("import { giftCardsManifest } from '../../modules/gift-cards/gift-cards.manifest';\n");
    expect(registered).toMatch(/export const MANIFESTS[^=]*= \[[^\]]*, giftCardsManifest\]/);
    expect(registered.replace(/^import \{ giftCardsManifest \}.*\n/m, '').replace(', giftCardsManifest]', ']')).toBe(source);
    expect(() => withManifestRegistered(registered, namesOf('gift-cards'))).toThrow('already mentions giftCardsManifest');
  });

  it('appends to a MANIFESTS list written one per line', () => {
    const source = "import { aManifest } from '../../modules/a/a.manifest';\n\nexport const MANIFESTS = [\n  aManifest,\n];\n";
    expect(withManifestRegistered(source, namesOf('bb'))).toBe(
      "import { aManifest } from '../../modules/a/a.manifest';\nimport { bbManifest } from '../../modules/bb/bb.manifest';\n\nexport const MANIFESTS = [\n  aManifest,\n  bbManifest,\n];\n",
    );
  });

  it('writes nothing for a refused name', () => {
    expect(() => createModule(ROOT, 'Inventory')).toThrow('lower-case kebab case');
    expect(() => createModule(ROOT, 'inventory')).toThrow('a module named "inventory" exists already');
    expect(existsSync(join(ROOT, 'modules', 'Inventory'))).toBe(false);
  });
});

/**
 * SLOW (about a minute; limit 3 min): copies the repository (without node_modules, .git, dist
 * and .data; node_modules is linked), runs the real `npm run module:new` there for `shipping`
 * and the compiled CLI for `gift-cards` (a kebab name), then the whole lint, the whole type
 * check, a build, and the new modules' own tests: unit tests and contract suites in process
 * and across TCP to a module host process.
 */
describe('npm run module:new, end to end in a copy of the repository (slow)', () => {
  let copy: string;
  const inCopy = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(command, args, { cwd: copy, env: { ...process.env, CI: undefined, ...env }, maxBuffer: 32 * 1024 * 1024 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => {
        throw new Error(`${command} ${args.join(' ')} failed (${error.code}):\n${error.stdout}\n${error.stderr}`);
      },
    );

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'seams-module-new-'));
    const skip = new Set(['node_modules', '.git', 'dist', '.data', 'coverage']);
    cpSync(ROOT, copy, { recursive: true, filter: (source) => !skip.has(relative(ROOT, source).split(/[\\/]/)[0]) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('creates modules that pass lint, type check and their own tests at once, local and remote', async () => {
    await inCopy('npm', ['run', '--silent', 'module:new', '--', 'gift-cards', '--no-refresh']);
    const { stdout } = await inCopy('npm', ['run', '--silent', 'module:new', '--', 'shipping']);
    expect(stdout).toContain('module:new: created shipping:');
    expect(stdout).toContain('test/support/cluster.ts (MODULES)');

    for (const name of ['shipping', 'gift-cards']) {
      for (const layer of ['contract', 'domain', 'application', 'infrastructure', 'http']) expect(existsSync(join(copy, 'modules', name, layer))).toBe(true);
      expect(existsSync(join(copy, 'modules', name, `${name}.manifest.ts`))).toBe(true);
      expect(existsSync(join(copy, 'migrations', name, 'index.ts'))).toBe(true);
      expect(readFileSync(join(copy, 'contracts', `${name}.json`), 'utf8')).toContain(`"${name}.add-item.v1"`);
      expect(readFileSync(join(copy, 'docs', 'architecture.md'), 'utf8')).toContain(`${name}.add-item.v1`);
    }
    expect(readFileSync(join(copy, 'src', 'host', 'manifests.ts'), 'utf8')).toMatch(/giftCardsManifest, shippingManifest\]/);

    const refused = await inCopy('node', ['dist/tools/tools/new-module/main.js', 'shipping']).catch((error: Error) => error);
    expect(String(refused)).toContain('a module named "shipping" exists already');

    await inCopy('npm', ['run', '--silent', 'lint']);
    await inCopy('npm', ['run', '--silent', 'typecheck']);
    await inCopy('npm', ['run', '--silent', 'contracts:check', '--', '--frozen']);
    await inCopy('npx', ['nest', 'build']);
    const tests = await inCopy(
      'npx',
      ['jest', '--verbose', 'modules/shipping', 'modules/gift-cards', 'test/contracts/shipping.contract.spec.ts', 'test/contracts/gift-cards.contract.spec.ts', 'test/tools/architecture.spec.ts'],
      { DATABASE_URL: process.env.SEAMS_TEST_SERVER_URL },
    );
    expect(tests.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(tests.stderr).toContain('shipping contract across TCP to a shipping host');
  }, 180_000);
});

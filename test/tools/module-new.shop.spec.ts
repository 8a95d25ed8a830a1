// @uses-modules catalog, inventory, ordering
/**
 * module:new with the shop's modules: refusing an existing module's name, --subscribe to their
 * events, and the end-to-end run whose new modules subscribe to ordering's events and join the
 * order flow. module:remove removes this file with the shop; module-new.spec.ts needs no module.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { MANIFESTS } from '../../src/host/manifests';
import { kindOf, toJsonSchema, validate } from '@seams/kernel/primitives';
import { createModule, parseArguments } from '../../tools/new-module/main';
import { samplePayload } from '../../tools/new-module/sample';
import { resolveSubscriptions, SubscriptionRefused } from '../../tools/new-module/subscriptions';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

describe('npm run module:new: an existing name', () => {
  it('writes nothing for the name of a module that exists', () => {
    expect(() => createModule(ROOT, 'inventory')).toThrow('a module named "inventory" exists already');
  });
});

describe('npm run module:new: --subscribe', () => {
  it('reads the command line: one name, --subscribe repeatable (also as --subscribe=<wire>), --no-refresh', () => {
    expect(parseArguments(['shipping', '--subscribe', 'ordering.order-confirmed.v1', '--subscribe=ordering.order-placed.v1', '--no-refresh'])).toEqual({
      name: 'shipping',
      subscribe: ['ordering.order-confirmed.v1', 'ordering.order-placed.v1'],
      refresh: false,
      bare: false,
    });
    expect(parseArguments(['shipping', '--subscribe'])).toEqual({ refused: expect.stringContaining('--subscribe needs the wire name of an event') });
    expect(parseArguments(['shipping', '--subscribes', 'x'])).toEqual({ refused: 'unknown option --subscribes' });
    expect(parseArguments([])).toEqual({ refused: 'a module name is needed' });
  });

  it('finds the event, its publisher and class, and names the subscriber after the event', () => {
    expect(resolveSubscriptions('shipping', ['ordering.order-confirmed.v1', 'ordering.order-confirmed.v1'], MANIFESTS)).toEqual([
      {
        wire: 'ordering.order-confirmed.v1',
        publisher: 'ordering',
        eventClass: 'OrderConfirmed',
        stem: 'on-order-confirmed',
        subscriberClass: 'OnOrderConfirmed',
        sample: { orderId: expect.any(String) },
      },
    ]);
  });

  it.each([
    ['ordering.order-confirmd.v1', 'no registered module publishes an event of that name; the events are ordering.order-cancelled.v1, ordering.order-confirmed.v1'],
    ['inventory.reserve-stock.v1', 'that is a command of inventory, not an event'],
    ['catalog.get-products.v1', 'that is a query of catalog, not an event'],
    ['shipping.parcel-sent.v1', 'that would be an event of shipping itself'],
    ['order-confirmed', 'not a wire name'],
  ])('refuses --subscribe %s, writing nothing', (wire, reason) => {
    const before = readFileSync(join(ROOT, 'src', 'host', 'manifests.ts'), 'utf8');
    let refusal: unknown;
    try {
      createModule(ROOT, 'shipping', { subscribe: [wire] });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(SubscriptionRefused);
    expect((refusal as Error).message.startsWith(`--subscribe ${wire}: `)).toBe(true);
    expect((refusal as Error).message).toContain(reason);
    expect((refusal as Error).message).not.toContain('\n');
    expect(existsSync(join(ROOT, 'modules', 'shipping'))).toBe(false);
    expect(readFileSync(join(ROOT, 'src', 'host', 'manifests.ts'), 'utf8')).toBe(before);
  });

  it("makes a payload each registered event's contract accepts, for the generated test", () => {
    const events = MANIFESTS.flatMap((manifest) => manifest.contract).filter((type) => kindOf(type) === 'event');
    expect(events.length).toBeGreaterThan(0);
    for (const type of events) expect({ wire: type.wire, ...validate(type.schema, samplePayload(toJsonSchema(type.schema))) }).toMatchObject({ wire: type.wire, ok: true });
  });
});

/**
 * SLOW (about two minutes; limit 5 min): copies the repository (without node_modules, .git, dist
 * and .data; node_modules is linked), runs the real `npm run module:new` there for `gift-cards`
 * (a kebab name, subscribing to two ordering events) and `shipping` (subscribing to
 * ordering.order-confirmed.v1), refusals through the compiled CLI (exit 2, nothing written),
 * then the whole lint, the whole type check, a build, the new modules' own tests (unit tests,
 * subscription tests, contract suites in process and across TCP to a module host process), and
 * tests that read the modules from the registry, unedited: the order flow reaching every
 * subscriber of ordering.order-confirmed.v1 once (shipping also in its own host), schema
 * ownership, the events admin API and the database roles.
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

  it('creates modules that pass lint, type check and their own tests at once, local and remote; subscribers join the order flow', async () => {
    await inCopy('npm', ['run', '--silent', 'module:new', '--', 'gift-cards', '--subscribe', 'ordering.order-placed.v1', '--subscribe', 'ordering.order-cancelled.v1', '--no-refresh']);
    // A module with its aggregate named, and one without the sample that only subscribes.
    await inCopy('npm', ['run', '--silent', 'module:new', '--', 'depot', '--aggregate', 'parcel', '--no-refresh']);
    await inCopy('npm', ['run', '--silent', 'module:new', '--', 'notifier', '--bare', '--subscribe', 'ordering.order-confirmed.v1', '--no-refresh']);
    const { stdout } = await inCopy('npm', ['run', '--silent', 'module:new', '--', 'shipping', '--subscribe', 'ordering.order-confirmed.v1']);
    expect(stdout).toContain('module:new: created shipping:');
    expect(stdout).toContain('+ modules/shipping/application/on-order-confirmed/on-order-confirmed.handler.ts');
    expect(stdout).not.toContain('test/support/cluster.ts');

    for (const name of ['shipping', 'gift-cards']) {
      for (const layer of ['contract', 'domain', 'application', 'infrastructure', 'http']) expect(existsSync(join(copy, 'modules', name, layer))).toBe(true);
      expect(existsSync(join(copy, 'modules', name, `${name}.manifest.ts`))).toBe(true);
      expect(existsSync(join(copy, 'migrations', name, 'index.ts'))).toBe(true);
      expect(readFileSync(join(copy, 'contracts', `${name}.json`), 'utf8')).toContain(`"${name}.add-item.v1"`);
      expect(readFileSync(join(copy, 'docs', 'architecture.md'), 'utf8')).toContain(`${name}.add-item.v1`);
    }
    expect(readFileSync(join(copy, 'src', 'host', 'manifests.ts'), 'utf8')).toMatch(/giftCardsManifest, depotManifest, notifierManifest, shippingManifest\]/);
    expect(stdout).toContain("  ~ README.md (the sample's routes added to its route table)");
    // --aggregate parcel: the sample under that name, its routes in the docs' route tables.
    expect(existsSync(join(copy, 'modules', 'depot', 'contract', 'add-parcel.command.ts'))).toBe(true);
    expect(readFileSync(join(copy, 'modules', 'depot', 'contract', 'add-parcel.command.ts'), 'utf8')).toContain("static readonly wire = 'depot.add-parcel.v1';");
    expect(existsSync(join(copy, 'modules', 'depot', 'http', 'parcels.controller.ts'))).toBe(true);
    expect(readFileSync(join(copy, 'README.md'), 'utf8')).toContain('| `GET /v1/depot/parcels/{id}` | any signed-in user | 200 parcel | 400, 404 `depot.parcel-not-found` |');
    expect(readFileSync(join(copy, 'docs', 'modules.md'), 'utf8')).toContain('| `POST /v1/depot/parcels` | depot | adds a parcel');
    // --bare: no sample, no routes, no table but its subscriber's.
    expect(readdirSync(join(copy, 'modules', 'notifier', 'contract'))).toEqual(['index.ts']);
    expect(existsSync(join(copy, 'modules', 'notifier', 'http'))).toBe(false);
    expect(readFileSync(join(copy, 'modules', 'notifier', 'notifier.manifest.ts'), 'utf8')).not.toContain('routes:');
    expect(readdirSync(join(copy, 'migrations', 'notifier')).filter((file) => file !== 'index.ts')).toEqual([expect.stringMatching(/-create-handled-events\.ts$/)]);
    expect(readFileSync(join(copy, 'README.md'), 'utf8')).not.toContain('/v1/notifier');
    const manifest = readFileSync(join(copy, 'modules', 'shipping', 'shipping.manifest.ts'), 'utf8');
    expect(manifest).toContain("import { OrderConfirmed } from '../ordering/contract';");
    expect(manifest).toContain('subscribes: [OrderConfirmed],');
    expect(readFileSync(join(copy, 'modules', 'gift-cards', 'gift-cards.manifest.ts'), 'utf8')).toContain('subscribes: [OrderPlaced, OrderCancelled],');

    const refused = await inCopy('node', ['dist/tools/tools/new-module/main.js', 'shipping']).catch((error: Error) => error);
    expect(String(refused)).toContain('a module named "shipping" exists already');
    const manifests = readFileSync(join(copy, 'src', 'host', 'manifests.ts'), 'utf8');
    for (const [wire, reason] of [
      ['inventory.reserve-stock.v1', 'that is a command of inventory, not an event'],
      ['boxes.packed.v1', 'that would be an event of boxes itself'],
      ['ordering.order-shipped.v1', 'no registered module publishes an event of that name'],
    ]) {
      const refusal = (await inCopy('node', ['dist/tools/tools/new-module/main.js', 'boxes', '--subscribe', wire]).catch((error: Error) => error)) as Error;
      expect(refusal.message).toMatch(/failed \(2\)/);
      expect(refusal.message).toContain(`module:new: --subscribe ${wire}: ${reason}`);
    }
    expect(existsSync(join(copy, 'modules', 'boxes'))).toBe(false);
    expect(existsSync(join(copy, 'migrations', 'boxes'))).toBe(false);
    expect(readFileSync(join(copy, 'src', 'host', 'manifests.ts'), 'utf8')).toBe(manifests);

    await inCopy('npm', ['run', '--silent', 'lint']);
    await inCopy('npm', ['run', '--silent', 'typecheck']);
    await inCopy('npm', ['run', '--silent', 'contracts:check']);
    await inCopy('npm', ['run', '--silent', 'docs:arch']);
    await inCopy('npm', ['run', '--silent', 'contracts:check', '--', '--frozen']);
    await inCopy('npm', ['run', '--silent', 'build']);
    // The new modules' own tests, and tests that read the modules from the registry: none was edited.
    const tests = await inCopy(
      'npx',
      [
        'jest',
        '--verbose',
        '--runInBand',
        'modules/shipping',
        'modules/gift-cards',
        'test/contracts/shipping.contract.spec.ts',
        'test/contracts/gift-cards.contract.spec.ts',
        'test/modules/shipping.subscriptions.spec.ts',
        'test/modules/gift-cards.subscriptions.spec.ts',
        'test/contracts/depot.contract.spec.ts',
        'modules/depot',
        'test/modules/notifier.subscriptions.spec.ts',
        // The route tables of README.md and docs/modules.md against the live OpenAPI document: the new routes are there.
        'test/readme/routes.spec.ts',
        'test/e2e/order-confirmed-subscribers.spec.ts',
        'test/e2e/schema-ownership.spec.ts',
        'test/e2e/events-admin.spec.ts',
        'test/security/module-roles.spec.ts',
        'test/tools/architecture.spec.ts',
      ],
      { DATABASE_URL: process.env.SEAMS_TEST_SERVER_URL },
    );
    expect(tests.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(tests.stderr).toContain('shipping contract across TCP to a shipping host');
    expect(tests.stderr).toContain('gift-cards, isolated: the events it subscribes to');
    expect(tests.stderr).toContain('every subscriber of ordering.order-confirmed.v1 with all modules in one process');
    expect(tests.stderr).toContain('every subscriber of ordering.order-confirmed.v1 with shipping in its own process');
  }, 600_000);
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModule, parseArguments } from '../../tools/new-module/main';
import { aggregateNames, aggregateProblem, renamedSample, withRows } from '../../tools/new-module/shapes';
import { nameProblem, namesOf, RESERVED } from '../../tools/new-module/names';
import { withManifestRegistered } from '../../tools/new-module/register';

const ROOT = join(__dirname, '..', '..');

describe('npm run module:new: options', () => {
  it('reads --bare, --aggregate <word> (also as --aggregate=<word>) and --help', () => {
    expect(parseArguments(['notifier', '--bare'])).toEqual({ name: 'notifier', subscribe: [], refresh: true, bare: true });
    expect(parseArguments(['boxes', '--aggregate', 'parcel'])).toEqual({ name: 'boxes', subscribe: [], refresh: true, bare: false, aggregate: 'parcel' });
    expect(parseArguments(['boxes', '--aggregate=parcel'])).toMatchObject({ aggregate: 'parcel' });
    expect(parseArguments(['boxes', '--aggregate'])).toEqual({ refused: '--aggregate needs a word, e.g. --aggregate parcel' });
    expect(parseArguments(['--help'])).toEqual({ help: true });
    expect(parseArguments(['boxes', '-h'])).toEqual({ help: true });
  });

  it('refuses an aggregate that is not one lower-case word, and --bare with --aggregate, writing nothing', () => {
    expect(aggregateProblem('Parcel', 'boxes')).toBe('--aggregate takes one lower-case word of letters (e.g. parcel), not "Parcel"');
    expect(aggregateProblem('gift-card', 'boxes')).toMatch(/one lower-case word/);
    expect(aggregateProblem('parcel', 'line-items')).toMatch(/contains "item"/);
    expect(aggregateProblem('parcel', 'boxes')).toBeUndefined();
    const root = mkdtempSync(join(tmpdir(), 'seams-module-new-'));
    try {
      expect(() => createModule(root, 'boxes', { bare: true, aggregate: 'parcel', manifests: [] })).toThrow('--bare makes no sample, so --aggregate has nothing to name');
      expect(() => createModule(root, 'boxes', { aggregate: 'Parcel', manifests: [] })).toThrow(/one lower-case word/);
      expect(readdirSync(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names the aggregate’s plural as English does for the common endings', () => {
    expect(['parcel', 'box', 'batch', 'delivery', 'day'].map((word) => aggregateNames(word).plural)).toEqual(['parcels', 'boxes', 'batches', 'deliveries', 'days']);
  });

  it('renames the sample in paths and contents, in every case', () => {
    const renamed = renamedSample({ 'modules/x/http/items.controller.ts': 'export class ItemsController { item: Item; ITEM_READS; items }' }, aggregateNames('parcel'));
    expect(renamed).toEqual({ 'modules/x/http/parcels.controller.ts': 'export class ParcelsController { parcel: Parcel; PARCEL_READS; parcels }' });
  });

  it('adds rows to a route table before the host’s own routes, or after its last row; a missing section changes nothing', () => {
    const doc = '# Doc\n\n## API\n\n| Route | Who |\n| --- | --- |\n| `GET /v1/a` | x |\n| `GET /v1/admin/events` | admin |\n\n## Next\n';
    expect(withRows(doc, '## API', '| `GET /v1/admin/events', ['| `GET /v1/b` | y |'])).toBe(doc.replace('| `GET /v1/admin/events`', '| `GET /v1/b` | y |\n| `GET /v1/admin/events`'));
    expect(withRows(doc, '## API', '| `NONE', ['| `GET /v1/b` | y |'])).toBe(doc.replace('| `GET /v1/admin/events` | admin |', '| `GET /v1/admin/events` | admin |\n| `GET /v1/b` | y |'));
    expect(withRows(doc, '## Routes', '| `GET', ['| `GET /v1/b` | y |'])).toBe(doc);
  });
});

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
    expect(registered).toMatch(/export const MANIFESTS[^=]*= \[([^\]]*, )?giftCardsManifest\]/);
    expect(registered.replace(/^import \{ giftCardsManifest \}.*\n/m, '').replace(/(, )?giftCardsManifest\]/, ']')).toBe(source);
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
    expect(existsSync(join(ROOT, 'modules', 'Inventory'))).toBe(false);
  });

  it('registers the first module in a MANIFESTS list that module:remove has emptied', () => {
    const source = "import type { ModuleManifest } from '@seams/kernel/seam';\n\nexport const MANIFESTS: readonly ModuleManifest[] = [];\n";
    expect(withManifestRegistered(source, namesOf('shipping'))).toBe(
      "import type { ModuleManifest } from '@seams/kernel/seam';\nimport { shippingManifest } from '../../modules/shipping/shipping.manifest';\n\nexport const MANIFESTS: readonly ModuleManifest[] = [shippingManifest];\n",
    );
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModule } from '../../tools/new-module/main';
import { nameProblem, namesOf, RESERVED } from '../../tools/new-module/names';
import { withManifestRegistered } from '../../tools/new-module/register';

const ROOT = join(__dirname, '..', '..');

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

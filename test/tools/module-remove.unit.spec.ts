import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { withoutModuleInCompose, withoutModuleSections } from '../../tools/remove-module/docs';
import { parseArguments } from '../../tools/remove-module/main';
import { withManifestsUnregistered } from '../../tools/remove-module/unregister';

describe('npm run module:remove: the command line, the registry and the docs', () => {
  it('reads the command line: one or more names, --no-refresh', () => {
    expect(parseArguments(['catalog', 'inventory', '--no-refresh'])).toEqual({ names: ['catalog', 'inventory'], refresh: false });
    expect(parseArguments(['--force', 'catalog'])).toEqual({ refused: 'unknown option --force' });
    expect(parseArguments([])).toEqual({ refused: 'a module name is needed' });
  });

  it('unregisters manifests from a MANIFESTS list, one line or one per line, keeping its type when it empties', () => {
    const oneLine = "import { aManifest } from '../../modules/a/a.manifest';\nimport { bbManifest } from '../../modules/bb/bb.manifest';\n\nexport const MANIFESTS = [aManifest, bbManifest];\n";
    expect(withManifestsUnregistered(oneLine, ['bb'])).toBe("import { aManifest } from '../../modules/a/a.manifest';\n\nexport const MANIFESTS = [aManifest];\n");
    const perLine = "import { aManifest } from '../../modules/a/a.manifest';\nimport { giftCardsManifest } from '../../modules/gift-cards/gift-cards.manifest';\n\nexport const MANIFESTS = [\n  aManifest,\n  giftCardsManifest,\n];\n";
    expect(withManifestsUnregistered(perLine, ['gift-cards'])).toBe("import { aManifest } from '../../modules/a/a.manifest';\n\nexport const MANIFESTS = [\n  aManifest,\n];\n");
    expect(withManifestsUnregistered(oneLine, ['a', 'bb'])).toBe(
      "import type { ModuleManifest } from '@seams/kernel/seam';\n\nexport const MANIFESTS: readonly ModuleManifest[] = [];\n",
    );
    expect(() => withManifestsUnregistered('export const modules = [];\n', ['a'])).toThrow('does not have the expected shape');
  });

  it("removes a module's section of docs/modules.md, up to the next section", () => {
    const doc = '# The modules\n\nIntro.\n\n## a\n\nA.\n\n## bb\n\nB.\n\n## c\n\nC.\n';
    expect(withoutModuleSections(doc, ['bb'])).toEqual({ markdown: '# The modules\n\nIntro.\n\n## a\n\nA.\n\n## c\n\nC.\n', removed: ['bb'] });
    expect(withoutModuleSections(doc, ['c', 'a']).markdown).toBe('# The modules\n\nIntro.\n\n## bb\n\nB.\n');
    expect(withoutModuleSections(doc, ['zz'])).toEqual({ markdown: doc, removed: [] });
  });

  it("takes a module's split profile and settings out of a compose file, and leaves the file alone for a module it does not name", () => {
    const yaml = [
      '# >>> split profile: stock',
      '#   docker compose --profile split up',
      '# <<< split profile: stock',
      'services:',
      '  app:',
      '    environment:',
      '      PORT: "3000"',
      '      GIFT_CARDS_LIMIT: "5"',
      '      SEAMS_GIFT_CARDS_URL: tcp://x:1',
      '      STOCKING: "yes"',
      '  # >>> split profile: stock',
      '  stock:',
      '    command: ["node", "dist/src/main.js", "--module", "stock"]',
      '  # <<< split profile: stock',
      '',
      'volumes:',
      '  data:',
      '',
    ].join('\n');
    const { yaml: after, removed } = withoutModuleInCompose(yaml, ['stock', 'gift-cards']);
    expect(removed).toEqual(['the split profile of stock', 'GIFT_CARDS_LIMIT', 'SEAMS_GIFT_CARDS_URL']);
    expect(after).toBe(['services:', '  app:', '    environment:', '      PORT: "3000"', '      STOCKING: "yes"', '', 'volumes:', '  data:', ''].join('\n'));
    expect(withoutModuleInCompose(yaml, ['other'])).toEqual({ yaml, removed: [] });
  });

  it("leaves this repository's compose file valid YAML with no trace of the shop once the shop is removed", () => {
    const yaml = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
    const { yaml: after } = withoutModuleInCompose(yaml, ['catalog', 'inventory', 'ordering', 'payments']);
    expect(after).not.toMatch(/inventory|payments|split|PAYMENTS_/i);
    const services = (load(after) as { services: Record<string, unknown> }).services;
    expect(Object.keys(services).sort()).toEqual(['app', 'postgres']);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSettingsTables } from '../../src/host/config';
import { MANIFESTS } from '../../src/host/manifests';

/**
 * `npm run docs:settings`: rewrites the README's settings table (between its markers) from the
 * declaration of every setting, src/host/config/settings.ts, and the modules' own settings
 * (`modules/<name>/<name>.settings.ts`, named by the registered manifests). test/tools/settings-docs.spec.ts
 * fails when the two differ.
 */
function main(): void {
  const file = join(process.cwd(), 'README.md');
  const readme = readFileSync(file, 'utf8');
  const updated = withSettingsTables(readme, MANIFESTS);
  if (updated === undefined) throw new Error('README.md has no settings markers (<!-- settings:start ... --> and <!-- settings:end -->)');
  if (updated === readme) return void console.log('README.md settings table is up to date');
  writeFileSync(file, updated);
  console.log('README.md settings table rewritten from src/host/config/settings.ts');
}

main();

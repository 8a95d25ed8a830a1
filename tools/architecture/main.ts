import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFESTS } from '../../src/host/manifests';
import { roleFrom } from '../../src/host/role';
import { MessageRegistry } from '@seams/kernel/seam';
import { architectureOf, type ArchitectureModel } from './model';
import { architectureDocument, withReadmeBlock } from './render';
import { settingsFor, topologyFrom } from '../../src/host/config';

/**
 * `npm run docs:arch [-- --module <name>]`: writes docs/architecture.md from the manifests and
 * the placement the `SEAMS_*` settings give (the same `Topology` the app builds; `--module` or
 * `SEAMS_HOST_MODULE` for a module host's view), and refreshes the module diagram in README.md.
 */
export function architectureFromEnvironment(argv: readonly string[], env: NodeJS.ProcessEnv): ArchitectureModel {
  const registry = new MessageRegistry(MANIFESTS);
  return architectureOf(registry, topologyFrom(registry, roleFrom(argv, settingsFor(registry, env).hostModule), env));
}

function main(): void {
  const root = process.cwd();
  let model: ArchitectureModel;
  try {
    model = architectureFromEnvironment(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`docs:arch: ${(error as Error).message}`);
    process.exit(1);
  }
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs', 'architecture.md'), architectureDocument(model));
  console.log(`docs:arch: wrote docs/architecture.md (${model.placement.summary})`);
  const readmePath = join(root, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  const updated = withReadmeBlock(readme, model);
  if (updated === undefined) console.warn('docs:arch: README.md has no architecture:modules block to refresh');
  else if (updated !== readme) {
    writeFileSync(readmePath, updated);
    console.log('docs:arch: refreshed the module diagram in README.md');
  }
}

if (require.main === module) main();

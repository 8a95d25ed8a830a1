import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nameProblem, namesOf } from './names';
import { withManifestRegistered } from './register';
import { moduleFiles } from './templates';

/**
 * `npm run module:new -- <name> [--no-refresh]`: creates a module with the standard shape in
 * the repository of the working directory, registers its manifest in src/host/manifests.ts,
 * then refreshes contracts/ (`npm run contracts:check`) and docs/architecture.md
 * (`npm run docs:arch`) unless `--no-refresh`. Nothing is written when the name is refused or
 * a file it would create exists already.
 */
const MANIFESTS_FILE = join('src', 'host', 'manifests.ts');

/** Tests that list the modules by hand; a new module must be added to them. */
export const LISTS_OF_MODULES = [
  'test/support/cluster.ts (MODULES)',
  'test/e2e/schema-ownership.spec.ts (the modules and their tables)',
  'test/e2e/migrations.spec.ts',
  'test/e2e/api-docs-and-health.spec.ts (the routes and the database:<module> health keys)',
  'test/seam/topology.spec.ts',
];

export interface Created {
  readonly files: readonly string[];
  readonly manifestsFile: string;
}

/** The names of the modules a repository has (folders of modules/, and manifests registered). */
export function existingModules(root: string): string[] {
  const folders = existsSync(join(root, 'modules')) ? readdirSync(join(root, 'modules')) : [];
  const migrations = existsSync(join(root, 'migrations')) ? readdirSync(join(root, 'migrations')) : [];
  return [...new Set([...folders, ...migrations])];
}

/** Writes the module's files and registers it; throws (having written nothing) when it cannot. */
export function createModule(root: string, name: string, timestamp = Date.now()): Created {
  const problem = nameProblem(name, existingModules(root));
  if (problem) throw new Error(problem);
  const names = namesOf(name);
  const files = moduleFiles(names, timestamp);
  const clash = Object.keys(files).find((path) => existsSync(join(root, path)));
  if (clash) throw new Error(`${clash} exists already; module:new writes only new files`);
  const manifestsPath = join(root, MANIFESTS_FILE);
  if (!existsSync(manifestsPath)) throw new Error(`${MANIFESTS_FILE} is missing: run module:new at the root of the repository`);
  const registered = withManifestRegistered(readFileSync(manifestsPath, 'utf8'), names);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content, { flag: 'wx' });
  }
  writeFileSync(manifestsPath, registered);
  return { files: Object.keys(files), manifestsFile: MANIFESTS_FILE };
}

function main(): void {
  const args = process.argv.slice(2);
  const refresh = !args.includes('--no-refresh');
  const positional = args.filter((arg) => !arg.startsWith('--'));
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--no-refresh');
  if (positional.length !== 1 || unknown.length > 0) {
    console.error('usage: npm run module:new -- <name> [--no-refresh]   (name: lower-case kebab case, e.g. shipping)');
    process.exit(2);
  }
  const root = process.cwd();
  const name = positional[0];
  let created: Created;
  try {
    created = createModule(root, name);
  } catch (error) {
    console.error(`module:new: ${(error as Error).message}`);
    process.exit(1);
  }
  const names = namesOf(name);
  console.log(`module:new: created ${name}:`);
  for (const file of created.files) console.log(`  + ${file}`);
  console.log(`  ~ ${created.manifestsFile} (${names.camel}Manifest added to MANIFESTS)`);

  let refreshed = true;
  if (refresh) {
    // Not frozen even under CI: writing the new module's snapshot is the point.
    const env = { ...process.env };
    delete env.CI;
    for (const script of ['contracts:check', 'docs:arch']) {
      const run = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit', env });
      refreshed &&= run.status === 0;
    }
  }
  console.log(
    [
      '',
      'Next:',
      `  - build the module: replace the sample (${name}.add-item.v1, Item, the ${names.sqlSchema}.items table) with its own messages, model and tables, keeping the shape;`,
      `  - check it: npm run typecheck && npm run lint && npm run build && npx jest modules/${name} test/contracts/${name}.contract.spec.ts;`,
      `  - place it like any module: ${names.setting}=remote and ${names.setting}_URL=tcp://host:port, and \`npm run start:module -- ${name}\`;`,
      ...(name.includes('-') ? [`    (${names.setting}_URL has a dash: shells cannot export it; use env(1), docker-compose or a one-word name)`] : []),
      `  - add ${name} to the tests that list the modules by hand:`,
      ...LISTS_OF_MODULES.map((file) => `      ${file}`),
      refresh
        ? `  - commit contracts/${name}.json, docs/architecture.md and README.md with the module${refreshed ? '' : ' (the refresh above failed: see its output)'}.`
        : '  - run npm run contracts:check and npm run docs:arch, and commit what they write.',
    ].join('\n'),
  );
  if (!refreshed) process.exitCode = 1;
}

if (require.main === module) main();

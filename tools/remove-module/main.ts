import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPOSE_FILE, MANIFESTS_FILE, MODULES_DOC, planRemoval, type Removal, RemovalRefused } from './plan';

/**
 * `npm run module:remove -- <name> [<name>...] [--no-refresh]`: the inverse of module:new. Removes
 * the modules' folders and migrations, their registration in src/host/manifests.ts, their
 * contract snapshots, their sections of docs/modules.md, their route rows, their part of
 * docker-compose.yml (a split profile extracting one, their settings) and the tests that belong to them: their
 * contract suites, test/modules/<name>.*, every test or test helper that imports their code or
 * says it uses them (`// @uses-modules <name>`), and every test file that imports one of those;
 * then refreshes docs/architecture.md and the README diagram (`npm run docs:arch`) and the
 * README's settings table, which lists the modules' own settings (`npm run docs:settings`), unless
 * `--no-refresh`. Several names remove a group, which may import each other.
 *
 * It refuses with one line and exit code 2, writing nothing, an unknown name and a removal
 * that would leave code importing a removed module (another module, the host, the tools).
 */
export function removeModules(root: string, names: readonly string[]): Removal {
  const removal = planRemoval(root, names);
  for (const { path } of removal.files) rmSync(join(root, path), { force: true });
  for (const dir of new Set(removal.files.map(({ path }) => dirname(path)))) pruneEmpty(root, dir);
  if (removal.manifests !== undefined) writeFileSync(join(root, MANIFESTS_FILE), removal.manifests);
  if (removal.modulesDoc !== undefined) writeFileSync(join(root, MODULES_DOC), removal.modulesDoc.markdown);
  for (const doc of removal.routeDocs ?? []) writeFileSync(join(root, doc.path), doc.markdown);
  if (removal.compose !== undefined) writeFileSync(join(root, COMPOSE_FILE), removal.compose.yaml);
  return removal;
}

/** Removes `dir` and its parents while they are empty; a top folder (modules/, migrations/, test/) stays. */
function pruneEmpty(root: string, dir: string): void {
  for (let current = dir; current.includes('/'); current = dirname(current)) {
    const path = join(root, current);
    if (existsSync(path) && readdirSync(path).length === 0) rmdirSync(path);
    else if (existsSync(path)) return;
  }
}

const USAGE = 'usage: npm run module:remove -- <name> [<name>...] [--no-refresh]   (several names remove a group that imports each other)';

export function parseArguments(args: readonly string[]): { names: string[]; refresh: boolean } | { refused: string } {
  const names: string[] = [];
  let refresh = true;
  for (const arg of args) {
    if (arg === '--no-refresh') refresh = false;
    else if (arg.startsWith('--')) return { refused: `unknown option ${arg}` };
    else names.push(arg);
  }
  return names.length === 0 ? { refused: 'a module name is needed' } : { names, refresh };
}

function main(): void {
  const parsed = parseArguments(process.argv.slice(2));
  if ('refused' in parsed) {
    console.error(`module:remove: ${parsed.refused}\n${USAGE}`);
    process.exit(2);
  }
  const root = process.cwd();
  let removal: Removal;
  try {
    removal = removeModules(root, parsed.names);
  } catch (error) {
    console.error(`module:remove: ${(error as Error).message}`);
    process.exit(error instanceof RemovalRefused ? 2 : 1);
  }
  console.log(`module:remove: removed ${removal.names.join(', ')}:`);
  for (const { path, why } of removal.files) console.log(`  - ${path}   (${why})`);
  if (removal.manifests !== undefined) console.log(`  ~ ${MANIFESTS_FILE} (unregistered)`);
  if (removal.modulesDoc !== undefined) console.log(`  ~ ${MODULES_DOC} (sections ${removal.modulesDoc.sections.join(', ')} removed)`);
  for (const doc of removal.routeDocs ?? []) console.log(`  ~ ${doc.path} (${doc.rows} route row${doc.rows === 1 ? '' : 's'} removed)`);
  if (removal.compose !== undefined) console.log(`  ~ ${COMPOSE_FILE} (${removal.compose.removed.join(', ')} removed)`);

  let refreshed = true;
  if (parsed.refresh) refreshed = ['docs:arch', 'docs:settings'].every((script) => spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' }).status === 0);
  console.log(
    [
      '',
      'Next:',
      '  - check what is left: npm run typecheck && npm run lint && npm run build && npx jest;',
      `  - look for what still names ${removal.names.length > 1 ? 'them' : 'it'} by word (routes, wire names, settings such as ${removal.names.map((n) => `SEAMS_${n.toUpperCase()}`).join(', ')}): git grep -n -w -e ${removal.names.join(' -e ')};`,
      parsed.refresh
        ? `  - commit the removal with docs/architecture.md and README.md${refreshed ? '' : ' (the refresh above failed: see its output)'}.`
        : '  - run npm run docs:arch, and commit what it writes.',
    ].join('\n'),
  );
  if (!refreshed) process.exitCode = 1;
}

if (require.main === module) main();

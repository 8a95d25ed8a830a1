#!/usr/bin/env node
/**
 * Lints the boundary fixtures with the repository's real eslint.config.mjs and prints the
 * results as JSON on stdout. boundaries.spec.ts runs this in a child process: ESLint loads
 * its flat config with a dynamic import(), which Jest's module system cannot do without
 * --experimental-vm-modules.
 *
 * Each fixture (fixtures/*.ts.fixture) is linted as if it lived at the path named by its
 * `// lint-as: <path>` line, so its relative imports resolve to real files of the tree.
 * (The fixtures are not .ts files so that `tsc` does not type-check them from the wrong place.)
 *
 * The fixtures name the shop's modules (modules/inventory, modules/ordering, …). When a team has
 * removed some of them (`npm run module:remove`), their files are not there to resolve against:
 * the fixtures are then linted in a temporary copy of the repository (node_modules linked) in
 * which every file they import from a module that is gone stands in as an empty file at its
 * path. The rules classify files by path only, so every rule is still proven. An import marked
 * `// expect: boundaries/no-unknown-dependencies` gets no stand-in: it is meant not to resolve.
 *
 *   node test/boundaries/lint-fixtures.mjs                 fixtures, then packages/kernel/src/ src/ modules/ migrations/
 *   node test/boundaries/lint-fixtures.mjs --mutate=<m>    fixtures only, with a weakened config:
 *        no-resolver    the TypeScript import resolver removed
 *        no-boundaries  the boundaries plugin and its rules removed
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(import.meta.dirname, '../..');
const fixturesDir = path.join(import.meta.dirname, 'fixtures');
const mutation = process.argv.find((arg) => arg.startsWith('--mutate='))?.slice('--mutate='.length);

/** @param {string | undefined} name */
async function createESLint(name) {
  if (!name) return new ESLint({ cwd: root });
  const { default: config } = await import(pathToFileURL(path.join(root, 'eslint.config.mjs')).href);
  /** @type {(entry: import('eslint').Linter.Config) => import('eslint').Linter.Config} */
  let weaken;
  if (name === 'no-resolver') {
    weaken = (entry) => {
      if (!entry.settings?.['import/resolver']) return entry;
      const settings = { ...entry.settings };
      delete settings['import/resolver'];
      return { ...entry, settings };
    };
  } else if (name === 'no-boundaries') {
    weaken = (entry) => {
      if (!entry.plugins?.boundaries) return entry;
      const plugins = { ...entry.plugins };
      delete plugins.boundaries;
      const rules = Object.fromEntries(Object.entries(entry.rules ?? {}).filter(([id]) => !id.startsWith('boundaries/')));
      return { ...entry, plugins, rules };
    };
  } else {
    throw new Error(`unknown mutation ${name}`);
  }
  return new ESLint({ cwd: root, overrideConfigFile: true, baseConfig: config.map(weaken) });
}

/** @param {import('eslint').Linter.LintMessage[]} messages */
const brief = (messages) =>
  messages.map(({ ruleId, line, column, message, severity }) => ({ ruleId, line, column, message, severity }));

const LAYERS = ['contract', 'domain', 'application', 'infrastructure', 'http'];
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * The files (repository-relative) the fixtures import from modules this repository does not
 * have, each as the file it would be: `modules/m/contract` → modules/m/contract/index.ts,
 * `…/stock.repository` → …/stock.repository.ts.
 * @param {{ lintAs: string, source: string }[]} fixtures
 */
function standInsFor(fixtures) {
  const files = new Set();
  for (const { lintAs, source } of fixtures) {
    for (const line of source.split('\n')) {
      if (line.includes('expect: boundaries/no-unknown-dependencies')) continue;
      for (const [, specifier] of line.matchAll(SPECIFIER)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(lintAs), specifier)).replace(/\.js$/, '');
        const match = /^(modules|migrations)\/([^/]+)(\/.*)?$/.exec(target);
        if (!match || existsSync(path.join(root, match[1], match[2]))) continue;
        const folder = !match[3] || (match[1] === 'modules' && LAYERS.includes(match[3].slice(1)));
        files.add(folder ? `${target}/index.ts` : `${target}.ts`);
      }
    }
  }
  return [...files].sort();
}

/**
 * A copy of the repository (without node_modules, .git, dist, .data) with the stand-ins written.
 * @param {string[]} standIns
 */
function copyWithStandIns(standIns) {
  const copy = mkdtempSync(path.join(tmpdir(), 'seams-boundaries-'));
  const skip = new Set(['node_modules', '.git', 'dist', '.data', 'coverage']);
  cpSync(root, copy, { recursive: true, filter: (source) => !path.relative(root, source).split(path.sep).some((part) => skip.has(part)) });
  symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  for (const file of standIns) {
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    writeFileSync(path.join(copy, file), '// A stand-in for a file of a removed module (test/boundaries/lint-fixtures.mjs).\nexport {};\n');
  }
  return copy;
}

const sources = [];
for (const name of (await readdir(fixturesDir)).filter((file) => file.endsWith('.ts.fixture')).sort()) {
  const source = await readFile(path.join(fixturesDir, name), 'utf8');
  const lintAs = /^\/\/ lint-as: (\S+)$/m.exec(source)?.[1];
  if (!lintAs) throw new Error(`${name}: missing "// lint-as: <path>" line`);
  sources.push({ name, lintAs, source });
}

const standIns = standInsFor(sources);
let fixtures = [];
if (standIns.length > 0) {
  // In a process of its own: typescript-eslint refuses two repository roots in one process.
  const copy = copyWithStandIns(standIns);
  try {
    const args = [path.join(copy, 'test', 'boundaries', 'lint-fixtures.mjs'), '--fixtures-only', ...(mutation ? [`--mutate=${mutation}`] : [])];
    fixtures = JSON.parse(execFileSync(process.execPath, args, { cwd: copy, maxBuffer: 64 * 1024 * 1024 }).toString()).fixtures;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
} else {
  const eslint = await createESLint(mutation);
  for (const { name, lintAs, source } of sources) {
    const [result] = await eslint.lintText(source, { filePath: path.join(root, lintAs) });
    fixtures.push({ name, lintAs, source, messages: brief(result.messages) });
  }
}

const repo = [];
if (!mutation && !process.argv.includes('--fixtures-only')) {
  // After module:remove, modules/ and migrations/ may be empty or gone.
  const eslint = new ESLint({ cwd: root, errorOnUnmatchedPattern: false });
  for (const result of await eslint.lintFiles(['packages/kernel/src', 'src', 'modules', 'migrations'].filter((dir) => existsSync(path.join(root, dir))))) {
    repo.push({ file: path.relative(root, result.filePath), messages: brief(result.messages) });
  }
}

process.stdout.write(JSON.stringify({ mutation: mutation ?? null, fixtures, repo, standIns }));

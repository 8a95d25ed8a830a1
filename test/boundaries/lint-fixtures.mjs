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
 *   node test/boundaries/lint-fixtures.mjs                 fixtures, then packages/kernel/src/ src/ modules/ migrations/
 *   node test/boundaries/lint-fixtures.mjs --mutate=<m>    fixtures only, with a weakened config:
 *        no-resolver    the TypeScript import resolver removed
 *        no-boundaries  the boundaries plugin and its rules removed
 */
import { readdir, readFile } from 'node:fs/promises';
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

const eslint = await createESLint(mutation);

const fixtures = [];
for (const name of (await readdir(fixturesDir)).filter((file) => file.endsWith('.ts.fixture')).sort()) {
  const source = await readFile(path.join(fixturesDir, name), 'utf8');
  const lintAs = /^\/\/ lint-as: (\S+)$/m.exec(source)?.[1];
  if (!lintAs) throw new Error(`${name}: missing "// lint-as: <path>" line`);
  const [result] = await eslint.lintText(source, { filePath: path.join(root, lintAs) });
  fixtures.push({ name, lintAs, source, messages: brief(result.messages) });
}

const repo = [];
if (!mutation) {
  for (const result of await eslint.lintFiles(['packages/kernel/src', 'src', 'modules', 'migrations'])) {
    repo.push({ file: path.relative(root, result.filePath), messages: brief(result.messages) });
  }
}

process.stdout.write(JSON.stringify({ mutation: mutation ?? null, fixtures, repo }));

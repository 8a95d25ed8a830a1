import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * What module:remove reads of the source: which files import which (relative imports only; the
 * kernel is a package and no module is imported by name), and which test files say they use a
 * module they do not import.
 */

/** Extensions of the files it reads (the source, the tests and their helpers). */
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** `jest.mock('…')` and `jest.requireActual('…')`, which TypeScript's pre-processor does not report. */
const JEST_MODULE = /\bjest\.(?:mock|requireActual)\s*\(\s*['"]([^'"\n]+)['"]/g;

/**
 * A test that drives a module without importing its code (through HTTP routes or wire names)
 * says so in a comment line: `// @uses-modules catalog, ordering`. module:remove removes it with
 * any of them.
 */
const USES = /^\s*(?:\/\/|\/?\*+)\s*@uses-modules?\s+([a-z0-9][a-z0-9 ,-]*?)\s*(?:\*\/)?\s*$/gm;

/** Every source file under `dir` (repository-relative, with `/`), skipping node_modules, dist and dot folders. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    if (!existsSync(join(root, path))) return;
    for (const entry of readdirSync(join(root, path), { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') continue;
      const child = posix.join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (SOURCE.test(entry.name)) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/** Every file under `dir` (repository-relative), of any kind. */
export function allFiles(root: string, dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  if (!statSync(join(root, dir)).isDirectory()) return [dir];
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? allFiles(root, posix.join(dir, entry.name)) : [posix.join(dir, entry.name)]))
    .sort();
}

/** The relative specifiers `file` imports, resolved to repository-relative paths (not checked to exist). */
export function importsOf(root: string, file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  // TypeScript's own scanner: imports, exports, import(), require(), import types; never text in a string.
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return [...importedFiles.map((imported) => imported.fileName), ...[...source.matchAll(JEST_MODULE)].map((match) => match[1])]
    .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'))
    .map((specifier) => toPosix(relative(root, join(root, dirname(file), specifier))));
}

/** The modules a file says it uses (`@uses-modules`). */
export function declaredModulesOf(root: string, file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  return [...source.matchAll(USES)].flatMap((match) => match[1].split(/[\s,]+/).filter(Boolean));
}

/** The file an import of `target` (a resolved specifier) loads, if it exists: `x` → x.ts, x/index.ts, x.js→x.ts, … */
export function fileOf(root: string, target: string): string | undefined {
  const stem = target.replace(/\.(js|mjs|cjs)$/, '');
  const candidates = [target, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, `${target}.js`, `${target}.mjs`, `${target}/index.ts`, `${target}/index.js`];
  return candidates.find((candidate) => existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile());
}

/** The module whose code `target` is (`modules/<m>/…` or `migrations/<m>/…`), if any. */
export function moduleOfPath(target: string): string | undefined {
  return /^(?:modules|migrations)\/([^/]+)(?:\/|$)/.exec(target)?.[1];
}

const toPosix = (path: string) => path.split(sep).join('/');

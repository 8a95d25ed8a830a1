import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withoutModuleInCompose, withoutModuleSections, withoutRouteRows } from './docs';
import { allFiles, declaredModulesOf, fileOf, importsOf, moduleOfPath, sourceFiles } from './imports';
import { withManifestsUnregistered } from './unregister';

export const MANIFESTS_FILE = 'src/host/manifests.ts';
export const MODULES_DOC = 'docs/modules.md';
export const COMPOSE_FILE = 'docker-compose.yml';

/** A removal module:remove refuses; the message is one line and names what is in the way. */
export class RemovalRefused extends Error {}

/** What removing a group of modules takes: computed before anything is written. */
export interface Removal {
  readonly names: readonly string[];
  /** Every file removed (repository-relative), with why, in path order. */
  readonly files: readonly { path: string; why: string }[];
  /** The new src/host/manifests.ts, when it registered one of them. */
  readonly manifests?: string;
  /** The new docs/modules.md, when it had a section of one of them. */
  readonly modulesDoc?: { markdown: string; sections: readonly string[] };
  /** Docs whose route tables had rows of their routes (README.md, docs/modules.md), rewritten. */
  readonly routeDocs?: readonly { path: string; markdown: string; rows: number }[];
  /** The new docker-compose.yml, when it ran them (a split profile extracting one, their settings). */
  readonly compose?: { yaml: string; removed: readonly string[] };
}

/** The docs with route tables module:new adds rows to. */
export const ROUTE_DOCS = ['README.md', MODULES_DOC];

/** The route prefixes a module's manifest declares (`routes: ['/v1/shipping']`), read from its source. */
function routePrefixes(root: string, name: string): string[] {
  const path = join(root, 'modules', name, `${name}.manifest.ts`);
  if (!existsSync(path)) return [];
  const list = /routes:\s*\[([^\]]*)\]/.exec(readFileSync(path, 'utf8'))?.[1] ?? '';
  return [...list.matchAll(/'([^']+)'/g)].map((match) => match[1]);
}

/** The modules of a repository: the folders of modules/ and of migrations/. */
export function modulesOf(root: string): string[] {
  const folders = (dir: string) =>
    existsSync(join(root, dir)) ? readdirSync(join(root, dir), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
  return [...new Set([...folders('modules'), ...folders('migrations')])].sort();
}

/** Code that must not import a removed module: the other modules, the host, the kernel, the tools, the benchmarks. */
function remainingCode(root: string, removed: readonly string[]): string[] {
  const others = modulesOf(root).filter((name) => !removed.includes(name));
  return [
    ...others.flatMap((name) => [...sourceFiles(root, `modules/${name}`), ...sourceFiles(root, `migrations/${name}`)]),
    ...['src', 'packages', 'tools', 'bench'].flatMap((dir) => sourceFiles(root, dir)),
  ].filter((file) => file !== MANIFESTS_FILE);
}

/**
 * The removal of `names` (a group: they may import each other), or a `RemovalRefused` when a
 * name is not a module, or when code that stays imports one of them.
 */
export function planRemoval(root: string, requested: readonly string[]): Removal {
  const names = [...new Set(requested)];
  if (names.length === 0) throw new RemovalRefused('a module name is needed');
  const known = modulesOf(root);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new RemovalRefused(`no module named "${unknown}" (modules: ${known.length > 0 ? known.join(', ') : 'none'})`);
  }

  for (const file of remainingCode(root, names)) {
    for (const target of importsOf(root, file)) {
      const used = moduleOfPath(target);
      if (used === undefined || !names.includes(used)) continue;
      const importer = moduleOfPath(file);
      const what = target.startsWith(`modules/${used}/contract`) ? 'contract' : 'code';
      const who = importer !== undefined ? `module ${importer} imports ${used}'s ${what}` : `${file} imports ${used}'s ${what}`;
      const hint = importer !== undefined ? `remove ${importer} too (npm run module:remove -- ${[...names, importer].join(' ')}) or stop using ${used}` : `stop using ${used} there first`;
      throw new RemovalRefused(`cannot remove ${used}: ${who} (${file}); ${hint}`);
    }
  }

  const files = new Map<string, string>();
  for (const name of names) {
    for (const path of [...allFiles(root, `modules/${name}`), ...allFiles(root, `migrations/${name}`)]) files.set(path, `${name}'s code`);
    if (existsSync(join(root, 'contracts', `${name}.json`))) files.set(`contracts/${name}.json`, `${name}'s contract snapshot`);
    for (const path of allFiles(root, 'test/modules').filter((p) => p.startsWith(`test/modules/${name}.`))) files.set(path, `${name}'s module test`);
    if (existsSync(join(root, 'test', 'contracts', `${name}.contract.spec.ts`))) files.set(`test/contracts/${name}.contract.spec.ts`, `${name}'s contract suite`);
    // Pacts (contracts/pacts/<consumer>-<provider>.json) it is a side of.
    const pacts = existsSync(join(root, 'contracts', 'pacts')) ? readdirSync(join(root, 'contracts', 'pacts')) : [];
    for (const pact of pacts.filter((file) => file.endsWith('.json'))) {
      const { consumer, provider } = JSON.parse(readFileSync(join(root, 'contracts', 'pacts', pact), 'utf8')) as { consumer: { name: string }; provider: { name: string } };
      if (consumer.name === name || provider.name === name) files.set(`contracts/pacts/${pact}`, `a pact of ${name} (${consumer.name} with ${provider.name})`);
    }
  }

  // Tests and their helpers that import a removed module, or say they use one; then,
  // until nothing changes, those that import a removed test file.
  const tests = sourceFiles(root, 'test');
  const importsByTest = new Map(tests.map((file) => [file, importsOf(root, file)]));
  for (const file of tests) {
    if (files.has(file)) continue;
    const target = importsByTest.get(file)!.find((path) => names.includes(moduleOfPath(path) ?? ''));
    if (target !== undefined) {
      files.set(file, `imports ${moduleOfPath(target)}'s code (${fileOf(root, target) ?? target})`);
      continue;
    }
    const declared = declaredModulesOf(root, file).find((name) => names.includes(name));
    if (declared !== undefined) files.set(file, `uses ${declared} (@uses-modules)`);
  }
  for (let grown = true; grown; ) {
    grown = false;
    for (const file of tests) {
      if (files.has(file)) continue;
      const removedImport = importsByTest.get(file)!.map((target) => fileOf(root, target)).find((path) => path !== undefined && files.has(path));
      if (removedImport !== undefined) {
        files.set(file, `imports ${removedImport}, removed`);
        grown = true;
      }
    }
  }

  const manifestsSource = existsSync(join(root, MANIFESTS_FILE)) ? readFileSync(join(root, MANIFESTS_FILE), 'utf8') : undefined;
  const manifests = manifestsSource === undefined ? undefined : withManifestsUnregistered(manifestsSource, names);
  const doc = existsSync(join(root, MODULES_DOC)) ? withoutModuleSections(readFileSync(join(root, MODULES_DOC), 'utf8'), names) : undefined;
  const prefixes = names.flatMap((name) => routePrefixes(root, name));
  const routeDocs = ROUTE_DOCS.filter((path) => existsSync(join(root, path))).flatMap((path) => {
    const before = path === MODULES_DOC && doc !== undefined && doc.removed.length > 0 ? doc.markdown : readFileSync(join(root, path), 'utf8');
    const after = withoutRouteRows(before, prefixes);
    return after.removed > 0 ? [{ path, markdown: after.markdown, rows: after.removed }] : [];
  });
  const composeBefore = existsSync(join(root, COMPOSE_FILE)) ? readFileSync(join(root, COMPOSE_FILE), 'utf8') : undefined;
  const compose = composeBefore === undefined ? undefined : withoutModuleInCompose(composeBefore, names);
  return {
    names,
    files: [...files].map(([path, why]) => ({ path, why })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    ...(manifests !== undefined && manifests !== manifestsSource && { manifests }),
    ...(doc !== undefined && doc.removed.length > 0 && { modulesDoc: { markdown: doc.markdown, sections: doc.removed } }),
    ...(routeDocs.length > 0 && { routeDocs }),
    ...(compose !== undefined && compose.removed.length > 0 && { compose }),
  };
}

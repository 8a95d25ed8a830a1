import type { ModuleNames } from './names';

/**
 * `src/host/manifests.ts` with the new module's manifest imported and appended to
 * `MANIFESTS`. Throws, changing nothing, when the file does not have the expected shape.
 */
export function withManifestRegistered(source: string, names: ModuleNames): string {
  const identifier = `${names.camel}Manifest`;
  if (new RegExp(`\\b${identifier}\\b`).test(source)) throw new Error(`src/host/manifests.ts already mentions ${identifier}`);
  // After the manifest imports; after any import when module:remove has left none.
  const manifestImports = [...source.matchAll(/^import [^\n]*\.manifest';\n/gm)];
  const imports = manifestImports.length > 0 ? manifestImports : [...source.matchAll(/^import [^\n]*;\n/gm)];
  const list = /(export const MANIFESTS[^=]*=\s*\[)([^\]]*)(\])/.exec(source);
  if (imports.length === 0 || !list) {
    throw new Error('src/host/manifests.ts does not have the expected shape (manifest imports, then `export const MANIFESTS = [...]`); register the module by hand');
  }
  const last = imports[imports.length - 1];
  const importLine = `import { ${identifier} } from '../../modules/${names.name}/${names.name}.manifest';\n`;
  const afterImports = last.index! + last[0].length;
  const withImport = source.slice(0, afterImports) + importLine + source.slice(afterImports);
  return withImport.replace(/(export const MANIFESTS[^=]*=\s*\[)([^\]]*)(\])/, (_, open: string, items: string, close: string) => {
    const trimmed = items.replace(/\s+$/, '');
    const multiline = items.includes('\n');
    const separator = trimmed.endsWith(',') || trimmed === '' ? '' : ',';
    if (multiline) return `${open}${trimmed}${separator}\n  ${identifier},\n${close}`;
    return `${open}${trimmed}${separator}${trimmed === '' ? '' : ' '}${identifier}${close}`;
  });
}

import { namesOf } from '../new-module/names';

const LIST = /(export const MANIFESTS[^=]*=\s*\[)([^\]]*)(\])/;

/**
 * `src/host/manifests.ts` without the modules' manifests: their import lines and their
 * `MANIFESTS` entries. When none is left, the list keeps its type (`readonly ModuleManifest[]`),
 * so the host and the tools that read it still type-check, and module:new can register the
 * next module in it. Throws, changing nothing, when the file does not have the expected shape.
 */
export function withManifestsUnregistered(source: string, names: readonly string[]): string {
  if (!LIST.test(source)) {
    throw new Error('src/host/manifests.ts does not have the expected shape (manifest imports, then `export const MANIFESTS = [...]`); unregister the module by hand');
  }
  let result = source;
  for (const name of names) {
    const identifier = `${namesOf(name).camel}Manifest`;
    const importLine = new RegExp(`^import \\{ ${identifier} \\} from '\\.\\./\\.\\./modules/${name}/${name}\\.manifest';\\n`, 'm');
    result = result.replace(importLine, '');
    result = result.replace(LIST, (_, open: string, items: string, close: string) => {
      const kept = items
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '' && item !== identifier);
      if (items.includes('\n')) return `${open}${kept.map((item) => `\n  ${item},`).join('')}${kept.length > 0 ? '\n' : ''}${close}`;
      return `${open}${kept.join(', ')}${close}`;
    });
  }
  const [, open, items] = LIST.exec(result)!;
  if (items.trim() === '' && !open.includes(':')) {
    // An empty literal would be never[]: keep the element type.
    result = result.replace(/export const MANIFESTS\s*=/, 'export const MANIFESTS: readonly ModuleManifest[] =');
    if (!/\bModuleManifest\b[^\n]*from '@seams\/kernel\/seam'/.test(result)) result = `import type { ModuleManifest } from '@seams/kernel/seam';\n${result}`;
  }
  return result;
}

/**
 * docs/modules.md without the modules' sections: a section is a `## <name>` heading and
 * everything up to the next `## ` heading (or the end).
 */
export function withoutModuleSections(markdown: string, names: readonly string[]): { markdown: string; removed: string[] } {
  const removed: string[] = [];
  const parts = markdown.split(/^(?=## )/m);
  const kept = parts.filter((part) => {
    const heading = /^## (\S+)\s*\n/.exec(part)?.[1];
    if (heading && names.includes(heading)) {
      removed.push(heading);
      return false;
    }
    return true;
  });
  return { markdown: removed.length > 0 ? kept.join('').replace(/\n+$/, '\n') : markdown, removed };
}

/**
 * `markdown` without the table rows of routes under `prefixes` (a manifest's `routes`, e.g.
 * `/v1/shipping`; any version matches): the rows of the route tables module:new adds to.
 */
export function withoutRouteRows(markdown: string, prefixes: readonly string[]): { markdown: string; removed: number } {
  const bare = prefixes.map((prefix) => prefix.replace(/^\/v\d+(?=\/)/, ''));
  let removed = 0;
  const kept = markdown.split('\n').filter((line) => {
    const route = /^\| `(?:GET|POST|PUT|PATCH|DELETE) (\/[^` ?]*)/.exec(line)?.[1]?.replace(/^\/v\d+(?=\/)/, '');
    const gone = route !== undefined && bare.some((prefix) => route === prefix || route.startsWith(`${prefix}/`));
    if (gone) removed++;
    return !gone;
  });
  return { markdown: removed > 0 ? kept.join('\n') : markdown, removed };
}

/**
 * docker-compose.yml without what runs the modules: the blocks marked
 * `# >>> split profile: <name>` … `# <<< split profile: <name>` (a profile that extracts that
 * module), and the settings of the modules (`<NAME>_…` and `SEAMS_<NAME>_…` keys). `removed`
 * says what went, in words.
 */
export function withoutModuleInCompose(yaml: string, names: readonly string[]): { yaml: string; removed: string[] } {
  const removed = new Set<string>();
  const prefixes = names.map((name) => name.toUpperCase().replace(/-/g, '_'));
  let inBlock: string | undefined;
  const kept = yaml.split('\n').filter((line) => {
    const marker = /^\s*# (>>>|<<<) split profile: ([a-z][a-z0-9-]*)\b/.exec(line);
    if (marker && names.includes(marker[2])) {
      removed.add(`the split profile of ${marker[2]}`);
      inBlock = marker[1] === '>>>' ? marker[2] : undefined;
      return false;
    }
    if (inBlock !== undefined) return false;
    const owner = /^\s+[A-Z][A-Z0-9_]*:/.test(line) && prefixes.find((prefix) => line.trimStart().startsWith(`${prefix}_`) || line.trimStart().startsWith(`SEAMS_${prefix}_`));
    if (owner) {
      removed.add(line.trim().split(':')[0]);
      return false;
    }
    return true;
  });
  return { yaml: removed.size > 0 ? kept.join('\n').replace(/\n{3,}/g, '\n\n') : yaml, removed: [...removed] };
}

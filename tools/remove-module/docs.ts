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

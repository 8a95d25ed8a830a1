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

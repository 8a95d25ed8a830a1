import type { ArchitectureModel } from './model';

/** Words Mermaid's flowchart parser reads as keywords; a module named so gets an id suffix. */
const MERMAID_KEYWORDS = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'class', 'classdef', 'click', 'linkstyle', 'direction', 'default']);

/** A Mermaid node id for a module (letters, digits and underscores only). */
export function nodeId(module: string): string {
  const id = module.replace(/[^A-Za-z0-9]/g, '_');
  return MERMAID_KEYWORDS.has(id.toLowerCase()) ? `${id}_` : id;
}

const messageId = (wire: string) => `msg_${wire.replace(/[^A-Za-z0-9]/g, '_')}`;
const verb = (kind: string) => (kind === 'query' ? 'ask' : 'send');

/** `amqp://user:secret@host` → `amqp://user:***@host`: a document may be shared more widely than settings. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@/]+)@/, '//$1:***@');
}

/** Groups `items` by `key`, keeping first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** The edges between modules: solid for commands and queries, dotted for events. */
function moduleEdges(model: ArchitectureModel): string[] {
  const requests = [...groupBy(model.requests, (r) => `${r.from} ${r.to}`).values()].map(
    (group) => `  ${nodeId(group[0].from)} -- "${group.map((r) => `${verb(r.kind)} ${r.wire}`).join('<br/>')}" --> ${nodeId(group[0].to)}`,
  );
  const events = [...groupBy(model.deliveries, (d) => `${d.publisher} ${d.subscriber}`).values()].map(
    (group) => `  ${nodeId(group[0].publisher)} -. "${group.map((d) => d.wire).join('<br/>')}" .-> ${nodeId(group[0].subscriber)}`,
  );
  return [...requests, ...events];
}

/** Modules and who talks to whom; the same whatever the placement (this block is in the README). */
export function moduleDiagram(model: ArchitectureModel): string {
  return [
    '```mermaid',
    'flowchart LR',
    ...model.modules.map((module) => `  ${nodeId(module.name)}["${module.name}"]`),
    ...moduleEdges(model),
    '```',
  ].join('\n');
}

/** Which modules run in this process and where the others are, from the current settings. */
export function placementDiagram(model: ArchitectureModel): string {
  const { placement } = model;
  const here = placement.role.kind === 'monolith' ? 'this process: the monolith' : `this process: the ${placement.role.module} module host`;
  const lines = ['```mermaid', 'flowchart LR', `  subgraph process_here["${here}"]`];
  const label = (module: string) => {
    const shadow = placement.shadow.find((s) => s.module === module);
    return shadow ? `${module}<br/>(shadow: compared with ${shadow.url ? redactUrl(shadow.url) : 'its address'})` : module;
  };
  lines.push(...(placement.local.length > 0 ? placement.local.map((m) => `    ${nodeId(m)}["${label(m)}"]`) : ['    nothing_here["no module"]']), '  end');
  for (const { module, url } of placement.remote) {
    lines.push(`  subgraph process_${nodeId(module)}["${module} ${url ? `at ${redactUrl(url)}` : '(remote, address not set)'}"]`);
    lines.push(`    ${nodeId(module)}["${module}"]`, '  end');
  }
  lines.push(...moduleEdges(model));
  if (placement.remote.length > 0) {
    lines.push('  classDef remote stroke-dasharray: 5 5', `  class ${placement.remote.map((r) => nodeId(r.module)).join(',')} remote`);
  }
  if (placement.shadow.length > 0) {
    lines.push('  classDef shadow stroke-dasharray: 2 2', `  class ${placement.shadow.map((r) => nodeId(r.module)).join(',')} shadow`);
  }
  lines.push('```');
  return lines.join('\n');
}

/** Every published message between the module that serves or publishes it and those that send or receive it. */
export function messageDiagram(model: ArchitectureModel): string {
  const lines = ['```mermaid', 'flowchart LR'];
  lines.push(...model.modules.map((module) => `  ${nodeId(module.name)}["${module.name}"]`));
  for (const module of model.modules) {
    for (const message of module.messages) {
      const id = messageId(message.wire);
      const text = `"${message.kind}<br/>${message.wire}"`;
      if (message.kind === 'event') {
        lines.push(`  ${id}{{${text}}}`, `  ${nodeId(module.name)} -. publishes .-> ${id}`);
        for (const d of model.deliveries.filter((d) => d.wire === message.wire)) lines.push(`  ${id} -.-> ${nodeId(d.subscriber)}`);
      } else {
        lines.push(message.kind === 'query' ? `  ${id}([${text}])` : `  ${id}[${text}]`);
        for (const r of model.requests.filter((r) => r.wire === message.wire)) lines.push(`  ${nodeId(r.from)} -- ${verb(r.kind)} --> ${id}`);
        lines.push(`  ${id} --> ${nodeId(module.name)}`);
      }
    }
  }
  lines.push('```');
  return lines.join('\n');
}

/** One section per module: what it serves and publishes, and to whom; what it sends and subscribes to. */
function moduleTables(model: ArchitectureModel): string[] {
  const lines: string[] = [];
  for (const module of model.modules) {
    lines.push(`### ${module.name}`, '');
    if (module.messages.length === 0) lines.push('Publishes no message.', '');
    else {
      lines.push('| Message | Kind | Class | Sent by / delivered to |', '| --- | --- | --- | --- |');
      for (const message of module.messages) {
        const peers =
          message.kind === 'event'
            ? model.deliveries.filter((d) => d.wire === message.wire).map((d) => `→ ${d.subscriber}`)
            : model.requests.filter((r) => r.wire === message.wire).map((r) => `← ${r.from}`);
        lines.push(`| \`${message.wire}\` | ${message.kind} | \`${message.className}\` | ${peers.join(', ') || 'none yet'} |`);
      }
      lines.push('');
    }
    const sends = model.requests.filter((r) => r.from === module.name).map((r) => `\`${r.wire}\` (${r.kind} to ${r.to})`);
    const subscribes = model.deliveries.filter((d) => d.subscriber === module.name).map((d) => `\`${d.wire}\` (from ${d.publisher})`);
    const routes = module.routes.map((route) => `\`${route}\``);
    lines.push(
      `Sends: ${sends.join(', ') || 'nothing'}. Subscribes to: ${subscribes.join(', ') || 'nothing'}. ` +
        `HTTP routes under: ${routes.join(', ') || 'none'}.`,
      '',
    );
  }
  return lines;
}

/** The whole of docs/architecture.md. */
export function architectureDocument(model: ArchitectureModel): string {
  return [
    '# Architecture',
    '',
    'Generated by `npm run docs:arch` from the module manifests (`MANIFESTS` in `src/host/manifests.ts`, through',
    '`MessageRegistry` and `Topology`), so it says what the code says. `test/tools/architecture.spec.ts` fails when',
    'this file or the diagram in the README falls behind the code: run `npm run docs:arch` (without `SEAMS_*` settings)',
    'and commit the result.',
    '',
    '## Modules',
    '',
    'Solid arrows are commands (`send`) and queries (`ask`), from the module that sends them to the module that',
    'serves them; dotted arrows are events, from the module that publishes them to each subscriber.',
    '',
    moduleDiagram(model),
    '',
    '## Placement',
    '',
    `In the configuration this file was generated with (\`${model.placement.summary}\`), read from the same`,
    '`SEAMS_<MODULE>` and `SEAMS_<MODULE>_URL` settings as the app. Remote modules are dashed; a module in',
    'shadow mode runs here and is compared with the implementation at its address.',
    '',
    placementDiagram(model),
    '',
    '## Messages',
    '',
    "Every message of every module's contract: commands (rectangles) and queries (rounded) point at the module",
    'that handles them; events (hexagons) at the modules subscribed to them.',
    '',
    messageDiagram(model),
    '',
    ...moduleTables(model),
  ].join('\n');
}

export const README_START = '<!-- architecture:modules: generated by `npm run docs:arch`; do not edit by hand -->';
export const README_END = '<!-- /architecture:modules -->';

/** The README with its generated block replaced; `undefined` when the README has no such block. */
export function withReadmeBlock(readme: string, model: ArchitectureModel): string | undefined {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + README_START.length)}\n${moduleDiagram(model)}\n${readme.slice(end)}`;
}

/** The generated block as it stands in the README (between the markers), or `undefined`. */
export function readmeBlock(readme: string): string | undefined {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + README_START.length, end).trim();
}

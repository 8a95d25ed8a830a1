import type { ModuleNames } from './names';
import { unitOfWorkToken } from './persistence-templates';
import { eventImports } from './subscriber-templates';
import type { Subscription } from './subscriptions';

/**
 * What `module:new` makes besides the standard sample: a module without it (`--bare`: an empty
 * contract, no routes, no tables; with `--subscribe`, only its subscribers and the table of the
 * events they handled), and the sample under another aggregate's name (`--aggregate parcel`).
 */

/** The files of a bare module (its subscribers' files come from subscriber-templates.ts). */
export function bareFiles(n: ModuleNames, subscriptions: readonly Subscription[], handledEvents: { className: string; timestamp: number }): Record<string, string> {
  const m = n.name;
  const dir = `modules/${m}`;
  const subscribing = subscriptions.length > 0;
  const token = unitOfWorkToken(n);
  const subscriberImports = subscriptions.map((s) => `import { ${s.subscriberClass} } from './application/${s.stem}/${s.stem}.handler';\n`).join('');
  const files: Record<string, string> = {
    [`${dir}/contract/index.ts`]: `/**
 * ${m}'s published messages (commands, queries, events): none yet. Add each as a class in this
 * folder and export it here; other modules import only from here.
 */
export {};
`,
    [`${dir}/${m}.module.ts`]: `import { Module } from '@nestjs/common';
import { PersistenceModule${subscribing ? ', provideUnitOfWork' : ''} } from '@seams/kernel/persistence';
import { ${n.camel}Migrations } from '../../migrations/${m}';
${subscriberImports}${subscribing ? `import type { ${n.pascal}Repositories } from './application/ports/${m}.unit-of-work';\nimport { HandledEventEntity } from './infrastructure/handled-event.entity';\nimport { TypeOrmHandledEventRepository } from './infrastructure/handled-event.repository';\nimport { ${token} } from './${m}.di-tokens';\n` : ''}
/** ${n.pascal}${subscribing ? `: subscribes to ${subscriptions.map((s) => `\`${s.wire}\``).join(', ')}` : ': a module with nothing in it yet'}. */
@Module({
  imports: [PersistenceModule.forModule({ module: '${m}', entities: [${subscribing ? 'HandledEventEntity' : ''}], migrations: ${n.camel}Migrations })],
  providers: [${subscribing ? `\n    ${subscriptions.map((s) => s.subscriberClass).join(',\n    ')},\n    provideUnitOfWork<${n.pascal}Repositories>(${token}, (manager) => ({ handledEvents: new TypeOrmHandledEventRepository(manager) })),\n  ` : ''}],
})
export class ${n.pascal}Module {}
`,
    [`${dir}/${m}.manifest.ts`]: `import { defineModule } from '@seams/kernel/seam';
${eventImports(subscriptions, '../')}import * as contract from './contract';

/**
 * What the host knows of ${m}. Add \`routes\` (the HTTP path prefixes its controllers serve) when
 * it has any; list under \`subscribes\` every event of another module it subscribes to, and under
 * \`sends\` every command or query of another module it sends: the topology check needs both.
 */
export const ${n.camel}Manifest = defineModule({
  name: '${m}',
  contract,
  subscribes: [${subscriptions.map((s) => s.eventClass).join(', ')}],
  sends: [],
  load: async () => (await import('./${m}.module.js')).${n.pascal}Module,
});
`,
    [`migrations/${m}/index.ts`]: `${subscribing ? `import { ${handledEvents.className} } from './${handledEvents.timestamp}-create-handled-events';\n\n` : ''}/** ${n.pascal}'s migrations, oldest first; they touch the \`${m}\` schema only. */
export const ${n.camel}Migrations = [${subscribing ? handledEvents.className : ''}];
`,
  };
  if (subscribing) {
    files[`${dir}/application/ports/${m}.unit-of-work.ts`] = `import type { UnitOfWork } from '@seams/kernel/persistence';
import type { HandledEventRepository } from './handled-event.repository';

/** The repositories of ${m}, bound to one transaction. */
export interface ${n.pascal}Repositories {
  readonly handledEvents: HandledEventRepository;
}

/** The unit of work of ${m} (bound to \`${token}\`). */
export type ${n.pascal}UnitOfWork = UnitOfWork<${n.pascal}Repositories>;
`;
    files[`${dir}/${m}.di-tokens.ts`] = `/** \`${n.pascal}UnitOfWork\` (application/ports/${m}.unit-of-work.ts): repositories bound to one transaction. */
export const ${token} = Symbol('${token}');
`;
  }
  return files;
}

/** The names of an aggregate: `parcel` → Parcel, parcel, parcels, Parcels, PARCEL. */
export interface AggregateNames {
  readonly singular: string;
  readonly plural: string;
}

/** Why `name` cannot name the first aggregate, or undefined. */
export function aggregateProblem(name: string, module: string): string | undefined {
  if (!/^[a-z][a-z]{1,29}$/.test(name)) return `--aggregate takes one lower-case word of letters (e.g. parcel), not "${name}"`;
  if (module.includes('item')) return `--aggregate cannot rename the sample of a module whose name contains "item" (${module})`;
  return undefined;
}

export function aggregateNames(name: string): AggregateNames {
  const plural = /(s|x|z|ch|sh)$/.test(name) ? `${name}es` : /[^aeiou]y$/.test(name) ? `${name.slice(0, -1)}ies` : `${name}s`;
  return { singular: name, plural };
}

/** The sample's files with its aggregate renamed from Item (paths and contents, every case). */
export function renamedSample(files: Record<string, string>, aggregate: AggregateNames): Record<string, string> {
  const cap = (word: string) => word[0].toUpperCase() + word.slice(1);
  const rename = (text: string) =>
    text
      .replace(/Items/g, cap(aggregate.plural))
      .replace(/items/g, aggregate.plural)
      .replace(/ITEMS/g, aggregate.plural.toUpperCase())
      .replace(/Item/g, cap(aggregate.singular))
      .replace(/item/g, aggregate.singular)
      .replace(/ITEM/g, aggregate.singular.toUpperCase());
  return Object.fromEntries(Object.entries(files).map(([path, content]) => [rename(path), rename(content)]));
}

/** Where the docs list routes: the README's API table and docs/modules.md's. */
export const ROUTE_TABLES = [
  { file: 'README.md', heading: '## API', before: '| `GET /v1/admin/events' },
  { file: 'docs/modules.md', heading: '## Routes', before: '| `GET /v1/admin/events`' },
] as const;

/** The sample's routes, as rows of each route table. */
export function routeRows(n: ModuleNames, aggregate: AggregateNames): Record<(typeof ROUTE_TABLES)[number]['file'], string[]> {
  const m = n.name;
  const base = `/v1/${m}/${aggregate.plural}`;
  return {
    'README.md': [
      `| \`POST ${base}\` \`{name}\` | any signed-in user | 201 ${aggregate.singular} \`{id, name}\` | 400 |`,
      `| \`GET ${base}/{id}\` | any signed-in user | 200 ${aggregate.singular} | 400, 404 \`${m}.${aggregate.singular}-not-found\` |`,
    ],
    'docs/modules.md': [`| \`POST ${base}\` | ${m} | adds a ${aggregate.singular} (module:new's sample) |`, `| \`GET ${base}/{id}\` | ${m} | reads a ${aggregate.singular} |`],
  };
}

/**
 * `markdown` with `rows` added to the table of the section `heading`: before its row starting
 * with `before` (the host's own routes), else after its last row; unchanged when the section or
 * its table is missing (a team's own docs).
 */
export function withRows(markdown: string, heading: string, before: string, rows: readonly string[]): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line === heading);
  if (start < 0) return markdown;
  let end = lines.findIndex((line, index) => index > start && /^#{1,2} /.test(line));
  if (end < 0) end = lines.length;
  const table = lines.slice(start, end).map((line, offset) => ({ line, index: start + offset })).filter(({ line }) => line.startsWith('| '));
  if (table.length === 0) return markdown;
  const at = table.find(({ line }) => line.startsWith(before))?.index ?? table[table.length - 1].index + 1;
  lines.splice(at, 0, ...rows);
  return lines.join('\n');
}

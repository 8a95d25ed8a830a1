import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MANIFESTS } from '../../src/host/manifests';
import type { ModuleManifest } from '@seams/kernel/seam';
import { nameProblem, namesOf } from './names';
import { withManifestRegistered } from './register';
import { resolveSubscriptions, type Subscription, SubscriptionRefused } from './subscriptions';
import { aggregateNames, aggregateProblem, ROUTE_TABLES, routeRows, withRows } from './shapes';
import { moduleFiles } from './templates';

/**
 * `npm run module:new -- <name> [--bare] [--aggregate <word>] [--subscribe <event wire name>]...
 * [--no-refresh] [--help]`: creates a module with the standard shape in the repository of the
 * working directory, registers its manifest in src/host/manifests.ts, adds the sample's routes to
 * the route tables of README.md and docs/modules.md, then refreshes contracts/
 * (`npm run contracts:check`) and docs/architecture.md (`npm run docs:arch`) unless `--no-refresh`.
 *
 * Each `--subscribe` adds a subscriber of that event of another module (it records the event
 * in the module's `handled_events` table), lists the event under the manifest's `subscribes`,
 * and tests it. Nothing is written when the name or a subscription is refused, or a file it
 * would create exists already. The tests find the new module in src/host/manifests.ts: no
 * list of modules in them needs editing.
 */
const MANIFESTS_FILE = join('src', 'host', 'manifests.ts');

export interface CreateOptions {
  /** Wire names of other modules' events the module subscribes to. */
  readonly subscribe?: readonly string[];
  /** No sample (`--bare`): an empty contract, no routes or tables but its subscribers' own. */
  readonly bare?: boolean;
  /** The sample's aggregate (`--aggregate parcel`), Item by default. */
  readonly aggregate?: string;
  readonly timestamp?: number;
  /** The registered modules, whose events it may subscribe to (src/host/manifests.ts of this build by default). */
  readonly manifests?: readonly ModuleManifest[];
}

export interface Created {
  readonly files: readonly string[];
  /** Docs given the sample's routes (README.md, docs/modules.md). */
  readonly docs: readonly string[];
  readonly manifestsFile: string;
  readonly subscriptions: readonly Subscription[];
}

/** The names of the modules a repository has (folders of modules/, and manifests registered). */
export function existingModules(root: string): string[] {
  const folders = existsSync(join(root, 'modules')) ? readdirSync(join(root, 'modules')) : [];
  const migrations = existsSync(join(root, 'migrations')) ? readdirSync(join(root, 'migrations')) : [];
  return [...new Set([...folders, ...migrations])];
}

/**
 * Writes the module's files and registers it; throws (having written nothing) when it cannot:
 * `SubscriptionRefused` for a `subscribe` entry that is not another module's event.
 */
export function createModule(root: string, name: string, options: CreateOptions = {}): Created {
  const problem = nameProblem(name, existingModules(root));
  if (problem) throw new Error(problem);
  if (options.bare && options.aggregate) throw new Error('--bare makes no sample, so --aggregate has nothing to name: give one or the other');
  const aggregateRefused = options.aggregate === undefined ? undefined : aggregateProblem(options.aggregate, name);
  if (aggregateRefused) throw new Error(aggregateRefused);
  const subscriptions = resolveSubscriptions(name, options.subscribe ?? [], options.manifests ?? MANIFESTS);
  const names = namesOf(name);
  const aggregate = aggregateNames(options.aggregate ?? 'item');
  const files = moduleFiles(names, options.timestamp ?? Date.now(), subscriptions, { bare: options.bare, aggregate: options.aggregate === undefined ? undefined : aggregate });
  const clash = Object.keys(files).find((path) => existsSync(join(root, path)));
  if (clash) throw new Error(`${clash} exists already; module:new writes only new files`);
  const manifestsPath = join(root, MANIFESTS_FILE);
  if (!existsSync(manifestsPath)) throw new Error(`${MANIFESTS_FILE} is missing: run module:new at the root of the repository`);
  const registered = withManifestRegistered(readFileSync(manifestsPath, 'utf8'), names);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content, { flag: 'wx' });
  }
  writeFileSync(manifestsPath, registered);
  // The sample's routes in the docs' route tables, so the checks of those tables pass at once.
  const docs: string[] = [];
  if (!options.bare) {
    const rows = routeRows(names, aggregate);
    for (const table of ROUTE_TABLES) {
      const path = join(root, table.file);
      if (!existsSync(path)) continue;
      const before = readFileSync(path, 'utf8');
      const after = withRows(before, table.heading, table.before, rows[table.file]);
      if (after !== before) {
        writeFileSync(path, after);
        docs.push(table.file);
      }
    }
  }
  return { files: Object.keys(files), docs, manifestsFile: MANIFESTS_FILE, subscriptions };
}

const USAGE = 'usage: npm run module:new -- <name> [--bare] [--aggregate <word>] [--subscribe <event wire name>]... [--no-refresh] [--help]';

const HELP = `${USAGE}

Creates modules/<name> with the standard shape, registers its manifest in src/host/manifests.ts,
and refreshes contracts/ and docs/architecture.md.

  <name>                 lower-case kebab case, e.g. shipping or gift-cards
  --aggregate <word>     the sample's aggregate under this name instead of Item (one lower-case
                         word: --aggregate parcel makes add-parcel, Parcel, <schema>.parcels and
                         /v1/<name>/parcels)
  --bare                 no sample: an empty contract, no routes, no tables (with --subscribe,
                         only the subscribers and the table of the events they handled)
  --subscribe <wire>     subscribe to another module's event (repeatable), e.g.
                         --subscribe ordering.order-confirmed.v1
  --no-refresh           do not run contracts:check and docs:arch afterwards
  --help                 this text

The sample's routes are added to the route tables of README.md and docs/modules.md.`;

/** The command line, or the line to refuse it with. */
export function parseArguments(
  args: readonly string[],
): { name: string; subscribe: string[]; refresh: boolean; bare: boolean; aggregate?: string } | { refused: string } | { help: true } {
  const positional: string[] = [];
  const subscribe: string[] = [];
  let refresh = true;
  let bare = false;
  let aggregate: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--no-refresh') refresh = false;
    else if (arg === '--bare') bare = true;
    else if (arg === '--aggregate') {
      aggregate = args[++index];
      if (aggregate === undefined || aggregate.startsWith('--')) return { refused: '--aggregate needs a word, e.g. --aggregate parcel' };
    } else if (arg.startsWith('--aggregate=')) aggregate = arg.slice('--aggregate='.length);
    else if (arg === '--subscribe') {
      const wire = args[++index];
      if (wire === undefined || wire.startsWith('--')) return { refused: '--subscribe needs the wire name of an event, e.g. --subscribe ordering.order-confirmed.v1' };
      subscribe.push(wire);
    } else if (arg.startsWith('--subscribe=')) subscribe.push(arg.slice('--subscribe='.length));
    else if (arg.startsWith('--')) return { refused: `unknown option ${arg}` };
    else positional.push(arg);
  }
  if (positional.length !== 1) return { refused: positional.length === 0 ? 'a module name is needed' : `one module name, not ${positional.length}` };
  return { name: positional[0], subscribe, refresh, bare, ...(aggregate !== undefined && { aggregate }) };
}

function main(): void {
  const parsed = parseArguments(process.argv.slice(2));
  if ('help' in parsed) return void console.log(HELP);
  if ('refused' in parsed) {
    console.error(`module:new: ${parsed.refused}\n${USAGE}`);
    process.exit(2);
  }
  const { name, refresh } = parsed;
  const root = process.cwd();
  let created: Created;
  try {
    created = createModule(root, name, { subscribe: parsed.subscribe, bare: parsed.bare, aggregate: parsed.aggregate });
  } catch (error) {
    console.error(`module:new: ${(error as Error).message}`);
    process.exit(error instanceof SubscriptionRefused ? 2 : 1);
  }
  const names = namesOf(name);
  console.log(`module:new: created ${name}:`);
  for (const file of created.files) console.log(`  + ${file}`);
  console.log(`  ~ ${created.manifestsFile} (${names.camel}Manifest added to MANIFESTS)`);
  for (const doc of created.docs) console.log(`  ~ ${doc} (the sample's routes added to its route table)`);
  for (const s of created.subscriptions) {
    console.log(`  subscribes to ${s.wire} (${s.publisher}'s ${s.eventClass}): ${s.subscriberClass} records it in ${names.sqlSchema}.handled_events`);
    if (!s.sample) console.log(`    ! no sample payload found for ${s.wire}: write one in test/modules/${name}.subscriptions.spec.ts`);
  }

  let refreshed = true;
  if (refresh) {
    // Not frozen even under CI: writing the new module's snapshot is the point.
    const env = { ...process.env };
    delete env.CI;
    for (const script of ['contracts:check', 'docs:arch']) {
      const run = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit', env });
      refreshed &&= run.status === 0;
    }
  }
  console.log(
    [
      '',
      'Next:',
      parsed.bare
        ? `  - build the module: its messages in modules/${name}/contract, and the shape of a module with a sample (npm run module:new -- <another name> --no-refresh shows one);`
        : `  - build the module: replace the sample (${name}.add-${parsed.aggregate ?? 'item'}.v1 and its table and routes) with its own messages, model and tables, keeping the shape;`,
      `  - check it: npm run typecheck && npm run lint && npm run build && npx jest modules/${name}${parsed.bare ? '' : ` test/contracts/${name}.contract.spec.ts`}${created.subscriptions.length > 0 ? ` test/modules/${name}.subscriptions.spec.ts` : ''};`,
      `  - place it like any module: ${names.setting}=remote and ${names.setting}_URL=tcp://host:port, and \`npm run start:module -- ${name}\`;`,
      ...(name.includes('-') ? [`    (${names.setting}_URL has a dash: shells cannot export it; use env(1), docker-compose or a one-word name)`] : []),
      ...(created.subscriptions.length > 0
        ? [`  - make the subscribers (modules/${name}/application/on-*) do what ${name} does about each event; keep them safe to run twice;`]
        : []),
      `  - the tests find ${name} in ${created.manifestsFile}; no list in them needs editing;`,
      refresh
        ? `  - commit contracts/${name}.json, docs/architecture.md, docs/modules.md and README.md with the module${refreshed ? '' : ' (the refresh above failed: see its output)'}.`
        : '  - run npm run contracts:check and npm run docs:arch, and commit what they write.',
    ].join('\n'),
  );
  if (!refreshed) process.exitCode = 1;
}

if (require.main === module) main();

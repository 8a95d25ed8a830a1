import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { MANIFESTS } from '../../src/host/manifests';
import { compareSnapshots, describeFinding, type Finding, nextVersion } from './compatibility';
import { type ModuleSnapshot, parseSnapshot, serialize, snapshotOf } from './snapshot';

/**
 * `npm run contracts:check [-- --frozen | --write] [--dir <folder>]`
 *
 * Compares every module's published messages (from the manifests) with the snapshot committed
 * in `contracts/<module>.json`:
 *   - a breaking change fails (exit 1), naming module, message and what broke; nothing is written;
 *   - compatible changes (a new message or version, a new optional field, ...) rewrite the
 *     snapshot and pass: commit it with the change;
 *   - `--frozen` (the default when `CI=true`) writes nothing and fails when the snapshot is not
 *     exactly what the code says, so CI fails when the committed snapshot disagrees with the code;
 *   - `--write` rewrites the snapshot even over breaking changes (they are listed as accepted):
 *     for retiring a version that nothing sends or receives any more.
 */
export type CheckMode = 'update' | 'frozen' | 'write';

export interface CheckOptions {
  /** The snapshot folder, `contracts/` of the repository by default. */
  readonly dir: string;
  readonly mode: CheckMode;
  /** The snapshot made from the code. */
  readonly current: readonly ModuleSnapshot[];
  /** How the folder is named in messages (relative to the working directory). */
  readonly label?: string;
}

export interface CheckResult {
  readonly exitCode: 0 | 1;
  readonly output: string;
  readonly breaking: readonly Finding[];
  readonly compatible: readonly Finding[];
  /** Whether the folder was (re)written. */
  readonly written: boolean;
}

/** Reads every `*.json` snapshot of a folder (none if it does not exist). */
export function readSnapshots(dir: string): Map<string, { snapshot: ModuleSnapshot; text: string }> {
  const found = new Map<string, { snapshot: ModuleSnapshot; text: string }>();
  if (!existsSync(dir)) return found;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const snapshot = parseSnapshot(text, join(dir, file));
    if (`${snapshot.module}.json` !== file) throw new Error(`${join(dir, file)} holds module "${snapshot.module}"; it must be named ${snapshot.module}.json`);
    found.set(snapshot.module, { snapshot, text });
  }
  return found;
}

/** A message a consumer's committed pact uses: who, in which interaction. */
interface PactUse {
  readonly consumer: string;
  readonly provider: string;
  readonly wire: string;
  readonly interaction: string;
}

/**
 * The messages the committed pacts (`<dir>/pacts/*.json`, Pact V4 message pacts) use: a
 * command's or query's request names its wire (`message`), an event's metadata does.
 */
export function pactUses(dir: string): PactUse[] {
  const folder = join(dir, 'pacts');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => {
      const pact = JSON.parse(readFileSync(join(folder, name), 'utf8')) as {
        consumer: { name: string };
        provider: { name: string };
        interactions: { description: string; request?: { contents?: { content?: { message?: string } } }; metadata?: { message?: string } }[];
      };
      return pact.interactions.flatMap((interaction) => {
        const wire = interaction.request?.contents?.content?.message ?? interaction.metadata?.message;
        return wire ? [{ consumer: pact.consumer.name, provider: pact.provider.name, wire, interaction: interaction.description }] : [];
      });
    });
}

/** Runs the check against a folder; writes it when the mode and the findings allow. */
export function checkContracts(options: CheckOptions): CheckResult {
  const label = options.label ?? options.dir;
  // A message a consumer's committed pact still uses cannot go, whatever the mode (not even --write).
  const published = new Set(options.current.flatMap((snapshot) => Object.keys(snapshot.messages)));
  const modules = new Set(options.current.map((snapshot) => snapshot.module));
  const orphaned = pactUses(options.dir).filter((use) => modules.has(use.provider) && !published.has(use.wire));
  if (orphaned.length > 0) {
    const lines = [
      `✗ contracts:check: ${plural(orphaned.length, 'message')} a consumer's committed pact still uses ${orphaned.length === 1 ? 'is' : 'are'} gone from the provider (${label} left as it was):`,
      ...orphaned.map((use) => `  ✗ ${use.wire}: ${use.consumer} relies on it ("${use.interaction}", ${label}pacts/${use.consumer}-${use.provider}.json)`),
      '',
      'Keep serving it until every consumer has moved to its successor and its pact no longer names it',
      '(see README, "Deploying one module on its own").',
    ];
    return { exitCode: 1, output: lines.join('\n'), breaking: [], compatible: [], written: false };
  }
  const committed = readSnapshots(options.dir);
  const { breaking, compatible } = compareSnapshots(
    [...committed.values()].map((entry) => entry.snapshot),
    options.current,
  );
  const wanted = new Map(options.current.map((snapshot) => [snapshot.module, serialize(snapshot)]));
  const stale = [...committed.keys()].filter((module) => !wanted.has(module));
  const outdated = [...wanted].filter(([module, text]) => committed.get(module)?.text !== text).map(([module]) => module);
  const upToDate = outdated.length === 0 && stale.length === 0;
  const lines: string[] = [];
  const messages = options.current.reduce((sum, snapshot) => sum + Object.keys(snapshot.messages).length, 0);
  const counted = `${options.current.length} modules, ${messages} published messages`;

  if (breaking.length > 0 && options.mode !== 'write') {
    lines.push(`✗ contracts:check: ${plural(breaking.length, 'breaking change')} to published messages (${label} left as it was):`);
    for (const finding of breaking) lines.push(`  ✗ ${describeFinding(finding)}`);
    const example = breaking[0].wire;
    lines.push(
      '',
      'A published wire name is a promise to every sender and receiver, including ones built from older code',
      'and events already waiting in an outbox. Keep it as it was and publish the new shape under a new wire',
      `name beside it (e.g. ${nextVersion(example)} next to ${example}); see README, "Changing a contract".`,
      'To accept the change anyway (say, retiring a version nothing sends or receives any more), run',
      '`npm run contracts:check -- --write` and say why in the commit.',
    );
    return { exitCode: 1, output: lines.join('\n'), breaking, compatible, written: false };
  }
  if (upToDate) {
    lines.push(`✓ contracts:check: ${label} is up to date (${counted}).`);
    return { exitCode: 0, output: lines.join('\n'), breaking, compatible, written: false };
  }
  const changes = [...breaking.map((f) => `  ! ${describeFinding(f)} (accepted with --write)`), ...compatible.map((f) => `  + ${describeFinding(f)}`)];
  if (changes.length === 0) changes.push(`  ~ ${[...outdated, ...stale].join(', ')}: snapshot text differs (no change to what is promised)`);
  if (options.mode === 'frozen') {
    lines.push(`✗ contracts:check: ${label} is out of date with the code (no breaking change):`, ...changes, '', `Run \`npm run contracts:check\` and commit ${label}.`);
    return { exitCode: 1, output: lines.join('\n'), breaking, compatible, written: false };
  }
  mkdirSync(options.dir, { recursive: true });
  for (const module of outdated) writeFileSync(join(options.dir, `${module}.json`), wanted.get(module)!);
  for (const module of stale) rmSync(join(options.dir, `${module}.json`));
  lines.push(`✓ contracts:check: ${label} updated (${counted}); commit it with the change:`, ...changes);
  return { exitCode: 0, output: lines.join('\n'), breaking, compatible, written: true };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

interface Arguments {
  readonly dir: string;
  readonly mode: CheckMode;
}

export function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Arguments {
  let dir = resolve(cwd, 'contracts');
  let mode: CheckMode = env.CI === 'true' ? 'frozen' : 'update';
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--write') mode = 'write';
    else if (argument === '--frozen') mode = 'frozen';
    else if (argument === '--dir' && argv[index + 1]) dir = resolve(cwd, argv[++index]);
    else if (argument.startsWith('--dir=')) dir = resolve(cwd, argument.slice('--dir='.length));
    else throw new Error(`unknown argument "${argument}"; usage: npm run contracts:check [-- --frozen | --write] [--dir <folder>]`);
  }
  return { dir, mode };
}

function main(): void {
  const cwd = process.cwd();
  let options: Arguments;
  try {
    options = parseArguments(process.argv.slice(2), process.env, cwd);
  } catch (error) {
    console.error(`contracts:check: ${(error as Error).message}`);
    process.exit(2);
  }
  const shown = relative(cwd, options.dir);
  const label = `${shown.startsWith('..') ? options.dir : shown || '.'}/`;
  let result: CheckResult;
  try {
    result = checkContracts({ ...options, current: snapshotOf(MANIFESTS), label });
  } catch (error) {
    console.error(`contracts:check: ${(error as Error).message}`);
    process.exit(2);
  }
  (result.exitCode === 0 ? console.log : console.error)(result.output);
  process.exitCode = result.exitCode;
}

if (require.main === module) main();

/**
 * Proves that `npm run lint` enforces the module boundaries (eslint.config.mjs).
 *
 * Each fixture in ./fixtures is linted with the real config as if it lived at its
 * `// lint-as:` path. A line marked `// expect: <rule>` must be reported by exactly that rule,
 * `// expect-file: <rule>` marks a whole-file report, and nothing unmarked may be reported
 * (the `ok-*` fixtures carry no marks, so a config that reports everything fails too).
 *
 * The linting runs in a child process (lint-fixtures.mjs): ESLint loads its flat config with
 * a dynamic import(), which Jest's module system does not support.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

interface Message {
  ruleId: string | null;
  line: number;
  column: number;
  message: string;
  severity: number;
}
interface FixtureResult {
  name: string;
  lintAs: string;
  source: string;
  messages: Message[];
}
interface LintOutput {
  mutation: string | null;
  fixtures: FixtureResult[];
  repo: { file: string; messages: Message[] }[];
}

const root = path.resolve(__dirname, '../..');
const script = path.join(__dirname, 'lint-fixtures.mjs');

async function lint(...args: string[]): Promise<LintOutput> {
  const { stdout } = await promisify(execFile)(process.execPath, [script, ...args], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as LintOutput;
}

/** Rules that report on the whole file rather than on an import. */
const FILE_RULES = new Set(['boundaries/no-unknown-files']);

/** What the fixture's marks say must be reported, as sorted `line rule` / `file rule` keys. */
function expectedOf(fixture: FixtureResult): string[] {
  const keys: string[] = [];
  fixture.source.split('\n').forEach((text, index) => {
    for (const [, rule] of text.matchAll(/\/\/ expect: (\S+)/g)) keys.push(`${index + 1} ${rule}`);
    for (const [, rule] of text.matchAll(/\/\/ expect-file: (\S+)/g)) keys.push(`file ${rule}`);
  });
  return keys.sort();
}

/** What ESLint reported, in the same shape (a null rule id is a parse error). */
function actualOf(fixture: FixtureResult): string[] {
  return fixture.messages
    .map((m) => (m.ruleId && FILE_RULES.has(m.ruleId) ? `file ${m.ruleId}` : `${m.line} ${m.ruleId ?? `FATAL ${m.message}`}`))
    .sort();
}

const matches = (fixture: FixtureResult) => JSON.stringify(actualOf(fixture)) === JSON.stringify(expectedOf(fixture));

let real: LintOutput;
let withoutResolver: LintOutput;
let withoutPlugin: LintOutput;

beforeAll(async () => {
  [real, withoutResolver, withoutPlugin] = await Promise.all([
    lint(),
    lint('--mutate=no-resolver'),
    lint('--mutate=no-boundaries'),
  ]);
}, 180_000);

const fixtureNames = readdirSync(path.join(__dirname, 'fixtures')).filter((name) => name.endsWith('.ts.fixture'));
const violationNames = fixtureNames.filter((name) => !name.startsWith('ok-'));
const allowedNames = fixtureNames.filter((name) => name.startsWith('ok-'));

const result = (output: LintOutput, name: string): FixtureResult => {
  const found = output.fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`${name} was not linted`);
  return found;
};
const violations = () => violationNames.map((name) => result(real, name));

describe('module boundaries (eslint.config.mjs)', () => {
  it('has violation fixtures for every rule and allowed fixtures', () => {
    // Guards against a vacuous pass (no fixtures found, or only one kind).
    expect(real.fixtures.map((f) => f.name).sort()).toEqual([...fixtureNames].sort());
    expect(violationNames.length).toBeGreaterThanOrEqual(15);
    expect(allowedNames.length).toBeGreaterThanOrEqual(8);
    const markedRules = new Set(
      violations()
        .flatMap((f) => expectedOf(f).map((key) => key.split(' ')[1]))
        .filter((rule) => rule.startsWith('boundaries/')),
    );
    expect([...markedRules].sort()).toEqual([
      'boundaries/dependencies',
      'boundaries/no-unknown-dependencies',
      'boundaries/no-unknown-files',
    ]);
    for (const letter of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      expect(violationNames.filter((name) => name.startsWith(letter))).not.toEqual([]);
    }
  });

  it.each(violationNames)('%s: reports every marked violation with its rule, and nothing else', (name) => {
    const fixture = result(real, name);
    const expected = expectedOf(fixture);
    expect(expected.length).toBeGreaterThan(0);
    expect(actualOf(fixture)).toEqual(expected);
    expect(fixture.messages.filter((m) => m.severity !== 2)).toEqual([]);
  });

  it.each(allowedNames)('%s: reports nothing', (name) => {
    const fixture = result(real, name);
    expect(expectedOf(fixture)).toEqual([]);
    expect(fixture.messages).toEqual([]);
  });

  it('explains why the domain may not import a framework', () => {
    const domain = real.fixtures.find((f) => f.name.startsWith('d-'));
    const nest = domain?.messages.find((m) => m.message.includes('@nestjs/common'));
    expect(nest?.message).toMatch(/domain must stay free of frameworks, ORMs and transports/);
  });

  it('finds no boundary violation in src/, modules/ and migrations/', () => {
    expect(real.repo.length).toBeGreaterThan(50);
    const findings = real.repo.flatMap(({ file, messages }) =>
      messages
        .filter((m) => m.ruleId === null || m.ruleId.startsWith('boundaries/'))
        .map((m) => `${file}:${m.line} ${m.ruleId ?? 'FATAL'} ${m.message}`),
    );
    expect(findings).toEqual([]);
  });

  // The fixtures must notice a config that silently stops checking.
  it('would fail without the TypeScript import resolver', () => {
    expect(withoutResolver.fixtures.length).toBe(real.fixtures.length);
    expect(withoutResolver.fixtures.filter((f) => !matches(f)).length).toBeGreaterThan(0);
    // Without it no relative .ts import resolves: what were dependency violations are no longer
    // reported as such, and allowed fixtures fail too.
    const [applicationFixture] = violationNames.filter((name) => name.startsWith('a-'));
    expect(matches(result(withoutResolver, applicationFixture))).toBe(false);
  });

  it('would fail without the boundaries plugin', () => {
    expect(withoutPlugin.fixtures.length).toBe(real.fixtures.length);
    // (fixtures that expect only rules of ESLint itself, such as no-restricted-imports, stay reported)
    const boundaryFixture = (f: { source: string }) => /\/\/ expect: boundaries\//.test(f.source);
    expect(withoutPlugin.fixtures.filter((f) => !f.name.startsWith('ok-') && boundaryFixture(f) && matches(f))).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ROOT } from './processes';
import { codeBlocks, type CodeBlock, section, shellSteps, type Step } from './readme-blocks';
import { type ReadmeShell, renderOutput } from './readme-shell';

/** The README as it is in the working tree. */
export function readme(): string {
  return readFileSync(join(ROOT, 'README.md'), 'utf8');
}

/** The code blocks of one README section (by its heading line, e.g. `### A walk through the shop`). */
export function blocksOf(markdown: string, heading: string): CodeBlock[] {
  const { text, line } = section(markdown, heading);
  return codeBlocks(text, line);
}

/** The ports the README's commands use; the test gives each a free port of its own. */
export const README_PORTS = [3000, 3001, 3002, 4010, 4020, 54329] as const;

/** A database of the embedded server as the README writes it: `postgres://postgres:postgres@127.0.0.1:54329/<name>`. */
const EMBEDDED_URL = /postgres:\/\/postgres:postgres@127\.0\.0\.1:54329\/(\w+)/g;

export interface Rewrite {
  (text: string): string;
  /** The test's port for a README port. */
  port(readmePort: number): number;
}

/**
 * What the test changes in the README's commands and answers before it runs them, and nothing
 * else (docs/readme-checks.md lists it): the README's ports become free ones; `npm ci` and
 * `npm run build` are left out (`npm test` has just built: its `pretest`); `npm start` runs the
 * `start` script without its build; with `databases` (name → URL), a URL of the embedded
 * server's database `name` becomes that test database.
 */
export async function readmeRewrite(databases: Record<string, string> = {}): Promise<Rewrite> {
  const ports = new Map<number, number>();
  for (const port of README_PORTS) ports.set(port, await freePort());
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
  const run = /^npm run build && (.+)$/.exec(start)?.[1];
  if (!run) throw new Error(`the start script of package.json no longer reads "npm run build && …": ${start}; teach test/support/readme-run.ts what npm start runs`);
  const rewrite = (text: string) => {
    let out = text;
    out = out.replace(EMBEDDED_URL, (url: string, name: string) => databases[name] ?? url);
    out = out
      .replace(/\bnpm ci && /g, '')
      .replace(/^npm run build$/gm, ': npm run build')
      .replace(/\bnpm start\b/g, run);
    return out.replace(/(?<=[:=])(\d{4,5})\b/g, (match: string) => String(ports.get(Number(match)) ?? match));
  };
  return Object.assign(rewrite, { port: (readmePort: number) => ports.get(readmePort)! });
}

/**
 * Runs the steps of the shell blocks in order: a `# terminal N:` command is started in the
 * background and waited for (the lines written under it); any other command runs and its
 * answer is checked. Stops at the first step that fails (later ones build on it) and resolves
 * with its problems; none when every step did what the README says.
 */
export async function runBlocks(shell: ReadmeShell, blocks: readonly CodeBlock[]): Promise<string[]> {
  for (const step of blocks.filter((block) => block.lang === 'sh').flatMap(shellSteps)) {
    const problems = step.terminal ? await shell.start(step, renderOutput) : await shell.check(step);
    if (problems.length > 0) return problems;
  }
  return [];
}

/** The steps of the shell blocks, for a test that needs to look at them. */
export function stepsOf(blocks: readonly CodeBlock[]): Step[] {
  return blocks.filter((block) => block.lang === 'sh').flatMap(shellSteps);
}

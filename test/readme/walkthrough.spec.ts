// @uses-modules catalog, inventory, ordering, payments
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { matchesText, section, shellSteps, type Step } from '../support/readme-blocks';
import { blocksOf, readme, readmeRewrite, type Rewrite, runBlocks } from '../support/readme-run';
import { ReadmeShell, renderOutput } from '../support/readme-shell';

/** Nest's own start-up lines (modules, routes); the README shows the app's. */
const NEST_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * The README's quick start, run as a reader runs it: `npm start` (without its build: `npm test`
 * has built) with no DATABASE_URL, so on the embedded PostgreSQL, in a data folder of the
 * test's own; then the walk through the shop and the admin examples, pasted from the README into
 * bash against that process.
 */
describe('README: quick start and the walk through the shop', () => {
  const markdown = readme();
  const data = mkdtempSync(join(tmpdir(), 'seams-readme-data-'));
  let rewrite: Rewrite;
  let shell: ReadmeShell;

  beforeAll(async () => {
    rewrite = await readmeRewrite();
    shell = new ReadmeShell(
      { SEAMS_DATA_DIR: join(data, '.data'), SEAMS_EMBEDDED_PG_PORT: String(rewrite.port(54329)), PORT: String(rewrite.port(3000)) },
      rewrite,
    );
  });

  afterAll(async () => {
    const started = /Embedded PostgreSQL started in (\S+)"/.exec(shell?.terminalOutput('quick start') ?? '')?.[1];
    await shell?.close();
    rmSync(data, { recursive: true, force: true });
    // As root, the embedded server keeps its data in a temporary folder of its own (see embedded-postgres.ts).
    if (started && basename(started).startsWith('seams-postgres-') && dirname(started) === tmpdir()) rmSync(started, { recursive: true, force: true });
  });

  it('prints at start what the quick start shows, line for line', async () => {
    const { start, output } = quickStart(markdown);
    const expected = output.map(rewrite);
    const missing = await shell.start({ ...start, terminal: 'quick start', answer: { headers: [], text: expected.slice(-1), line: start.line } }, renderOutput, 60000);
    expect(missing).toEqual([]);
    await ready(rewrite.port(3000));
    const printed = startUpLines(shell.terminalOutput('quick start'));
    const same = printed.length === expected.length && expected.every((line, i) => matchesText(line, printed[i]));
    expect(same ? 'the same' : `README:\n${expected.join('\n')}\n\nprinted:\n${printed.join('\n')}`).toBe('the same');
  });

  it('answers each command of the walk through as the README shows', async () => {
    await ready(rewrite.port(3000));
    expect(await runBlocks(shell, blocksOf(markdown, '### A walk through the shop'))).toEqual([]);
  });

  it('answers the admin examples of the events section as the README shows', async () => {
    const blocks = blocksOf(markdown, '## Events and delivery guarantees').filter((block) => /admin\/(events|replays)/.test(block.text));
    expect(blocks.length).toBeGreaterThan(0);
    expect(await runBlocks(shell, blocks)).toEqual([]);
  });
});

/** The quick start's `npm start` command and the output block it is shown with. */
function quickStart(markdown: string): { start: Step; output: string[] } {
  const { text, line } = section(markdown, '## Quick start');
  const blocks = blocksOf(markdown, '## Quick start');
  const start = blocks.filter((block) => block.lang === 'sh').flatMap(shellSteps).find((step) => /\bnpm start\b/.test(step.command));
  const output = blocks.find((block) => block.lang === '' && block.text.startsWith('['));
  if (!start || !output) throw new Error(`README line ${line}: the quick start needs a sh block with \`npm start\` and a plain block of its output (${text.length} characters read)`);
  return { start, output: output.text.split('\n').filter((l) => l.trim() !== '') };
}

/** What a process printed while starting, as the README shows it (Nest's own lines and request lines left out). */
function startUpLines(output: string): string[] {
  const kept = output.split('\n').filter((line) => {
    if (!line.startsWith('{')) return true;
    try {
      return !NEST_CONTEXTS.has((JSON.parse(line) as { context?: string }).context ?? '');
    } catch {
      return true;
    }
  });
  return renderOutput(kept.join('\n'));
}

/** Resolves when the process on `port` answers /health/ready with 200. */
async function ready(port: number, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`the app on port ${port} was not ready within ${timeoutMs} ms (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

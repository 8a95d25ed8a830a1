// @uses-modules catalog, inventory, ordering, payments
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blocksOf, readme, readmeRewrite, runBlocks } from '../support/readme-run';
import { ReadmeShell } from '../support/readme-shell';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * "Extracting a module" and its shadow-mode recipe, pasted from the README into bash: the
 * `# terminal N:` commands start the monolith and a module host (real processes of the build)
 * and must print the lines written under them; the other commands must answer as written.
 * The processes get test databases instead of the embedded server (DATABASE_URL, and the
 * README's embedded-server URLs rewritten to them).
 */
describe.each([
  ['moves inventory into a module host: the commands answer as the README shows', '## Extracting a module', ['seams']],
  ['runs catalog in shadow mode: the recipe reports the difference the README shows', '### Parallel run (shadow mode)', ['seams', 'postgres']],
])('README: %s', (title, heading, names) => {
  const data = mkdtempSync(join(tmpdir(), 'seams-readme-data-'));
  const databases: TestDatabase[] = [];
  let shell: ReadmeShell;

  beforeAll(async () => {
    while (databases.length < names.length) databases.push(await createTestDatabase());
    const rewrite = await readmeRewrite(Object.fromEntries(names.map((name, i) => [name, databases[i].url])));
    shell = new ReadmeShell({ SEAMS_DATA_DIR: join(data, '.data'), DATABASE_URL: databases[0].url, PORT: String(rewrite.port(3000)) }, rewrite);
  });

  afterAll(async () => {
    await shell?.close();
    for (const database of databases) await database.drop();
    rmSync(data, { recursive: true, force: true });
  });

  it(title, async () => {
    const markdown = readme();
    // The section's own blocks, not those of its subsections (the shadow recipe runs on its own).
    const blocks = blocksOf(markdown, heading).filter((block) => !blocksOf(markdown, '### Parallel run (shadow mode)').some((inner) => inner.line === block.line) || heading.startsWith('###'));
    expect(blocks.some((block) => /# terminal \S+:/.test(block.text))).toBe(true);
    expect(await runBlocks(shell, blocks)).toEqual([]);
  }, 120000);
});

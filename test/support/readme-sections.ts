import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blocksOf, readme, readmeRewrite, runBlocks } from './readme-run';
import { ReadmeShell } from './readme-shell';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * A Jest test that pastes one README section into bash: its `# terminal N:` commands start real
 * processes of the build and must print the lines written under them; its other commands must
 * answer as written. The processes get test databases instead of the embedded server
 * (DATABASE_URL, and the README's embedded-server URLs for `databases` rewritten to them).
 * `without`: headings of subsections whose blocks are run by another test.
 */
export function runsReadmeSection(title: string, heading: string, databases: readonly string[], without: readonly string[] = []): void {
  describe(`README, "${heading.replace(/^#+ /, '')}"`, () => {
    const made: TestDatabase[] = [];
    let data: string | undefined;
    let shell: ReadmeShell | undefined;

    beforeAll(async () => {
      data = mkdtempSync(join(tmpdir(), 'seams-readme-data-'));
      while (made.length < databases.length) made.push(await createTestDatabase());
      const rewrite = await readmeRewrite(Object.fromEntries(databases.map((name, i) => [name, made[i].url])));
      shell = new ReadmeShell({ SEAMS_DATA_DIR: join(data, '.data'), DATABASE_URL: made[0].url, PORT: String(rewrite.port(3000)) }, rewrite);
    });

    afterAll(async () => {
      await shell?.close();
      for (const database of made) await database.drop();
      if (data) rmSync(data, { recursive: true, force: true });
    });

    it(title, async () => {
      const markdown = readme();
      const elsewhere = new Set(without.flatMap((inner) => blocksOf(markdown, inner).map((block) => block.line)));
      const blocks = blocksOf(markdown, heading).filter((block) => !elsewhere.has(block.line));
      expect(blocks.some((block) => /# terminal \S+:/.test(block.text))).toBe(true);
      expect(await runBlocks(shell!, blocks)).toEqual([]);
    }, 120000);
  });
}

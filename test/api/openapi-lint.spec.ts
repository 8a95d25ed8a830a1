// @uses-modules catalog, inventory, ordering, payments
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OpenApiDoc as Doc } from '../support/openapi';
import { startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);

const root = join(__dirname, '..', '..');

jest.setTimeout(120_000);

interface LintProblem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly location: readonly { readonly pointer: string }[];
}

/** Lints `document` as `npm run openapi:lint` does (Redocly, redocly.yaml: `recommended`). */
async function lint(folder: string, document: unknown): Promise<{ exitCode: number; problems: LintProblem[] }> {
  const file = join(folder, `openapi-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document));
  const args = [join(root, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: root, maxBuffer: 10_000_000 });
    return { exitCode: 0, problems: JSON.parse(stdout.slice(stdout.indexOf('{'))).problems };
  } catch (error) {
    const { stdout, code } = error as { stdout: string; code: number };
    return { exitCode: code, problems: JSON.parse(stdout.slice(stdout.indexOf('{'))).problems };
  }
}

describe('the live OpenAPI document under Redocly lint (recommended)', () => {
  let app: TestApp;
  let document: Doc;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'seams-openapi-'));
    app = await startTestApp();
    document = (await app.anonymous.get('/docs-json').expect(200)).body;
  });

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await app?.close();
  });

  it('passes with no error, and only the warnings redocly.yaml justifies', async () => {
    const { exitCode, problems } = await lint(folder, document);
    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(exitCode).toBe(0);
    expect(problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`).sort()).toEqual(
      ['/health', '/health/live', '/health/ready', '/metrics'].map((path) => `operation-4xx-response #/paths/${path.replaceAll('/', '~1')}/get/responses`).sort(),
    );
  });

  it.each([
    ['a schema it refers to is gone', (doc: Doc) => delete doc.components.schemas.ProblemDto],
    ['its servers are empty', (doc: Doc) => (doc.servers = [])],
    ['an operation has no security said', (doc: Doc) => delete doc.paths['/health'].get.security],
  ])('fails when %s', async (_, breakIt) => {
    const broken = structuredClone(document);
    breakIt(broken);
    const { exitCode, problems } = await lint(folder, broken);
    expect(exitCode).not.toBe(0);
    expect(problems.some((problem) => problem.severity === 'error')).toBe(true);
  });
});

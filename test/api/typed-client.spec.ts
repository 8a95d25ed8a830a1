// @uses-modules catalog, inventory, ordering, payments
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_SUBJECT, tokenFor } from '../support/auth';
import type { OpenApiDoc as Doc } from '../support/openapi';
import { startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);

const root = join(__dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

jest.setTimeout(180_000);

/**
 * A client generated from the live document (openapi-typescript types, openapi-fetch calls)
 * compiles and works: test/api/client/walkthrough.ts creates a product, sets its stock, places
 * an order and reads it with GET /v2/orders/{id}, all through the typed client.
 */
describe('a typed client generated from the live OpenAPI document', () => {
  let app: TestApp;
  let base: string;
  let document: Doc;
  const folders: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    base = `http://127.0.0.1:${(app.app.getHttpServer().address() as { port: number }).port}`;
    document = (await (await fetch(`${base}/docs-json`)).json()) as Doc;
  });

  afterAll(async () => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    await app?.close();
  });

  /** Generates `schema.d.ts` from `doc` beside a copy of the walk-through, and compiles both (`tsc --strict`). */
  async function compile(doc: unknown): Promise<{ folder: string; ok: boolean; output: string }> {
    const folder = mkdtempSync(join(tmpdir(), 'seams-client-'));
    folders.push(folder);
    writeFileSync(join(folder, 'openapi.json'), JSON.stringify(doc));
    await run(bin('openapi-typescript'), [join(folder, 'openapi.json'), '-o', join(folder, 'schema.d.ts')], { cwd: root });
    copyFileSync(join(__dirname, 'client', 'walkthrough.ts'), join(folder, 'walkthrough.ts'));
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node10',
          lib: ['ES2023', 'DOM'],
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
          baseUrl: folder,
          paths: { 'openapi-fetch': [join(root, 'node_modules', 'openapi-fetch')], '*': [join(root, 'node_modules', '*')] },
          skipLibCheck: true,
          ignoreDeprecations: '6.0',
          outDir: join(folder, 'out'),
        },
        files: ['walkthrough.ts', 'schema.d.ts'],
      }),
    );
    try {
      const { stdout } = await run(bin('tsc'), ['-p', join(folder, 'tsconfig.json')], { cwd: folder });
      return { folder, ok: true, output: stdout };
    } catch (error) {
      return { folder, ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
    }
  }

  it('type-checks the walk-through against the generated types and runs it against the app', async () => {
    const { folder, ok, output } = await compile(document);
    expect({ ok, output }).toEqual({ ok: true, output: '' });
    const token = tokenFor({ sub: ADMIN_SUBJECT, roles: ['admin', 'customer'] });
    const { stdout } = await run(process.execPath, [join(folder, 'out', 'walkthrough.js'), base, token, 'TYPED-1'], {
      cwd: root,
      env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    });
    const result = JSON.parse(stdout.trim());
    expect(result).toMatchObject({ price: 450, available: 5, lineTotals: [900], itemCount: 2, totalMinor: 900, listed: 1 });
    expect(['PENDING', 'CONFIRMED', 'CANCELLED']).toContain(result.status);
  });

  it.each([
    ['the order line total it reads', (doc: Doc) => delete doc.components.schemas.OrderLineV2Dto.properties.lineTotalMinor, 'lineTotalMinor'],
    ['the product price it reads', (doc: Doc) => delete doc.components.schemas.ProductDto.properties.priceMinor, 'priceMinor'],
    ['the stock count it sends', (doc: Doc) => delete doc.components.schemas.SetStockDto.properties.onHand, 'onHand'],
  ])('does not compile when the document loses %s', async (_, lose, field) => {
    const broken = structuredClone(document);
    lose(broken);
    const { ok, output } = await compile(broken);
    expect(ok).toBe(false);
    expect(output).toMatch(new RegExp(`walkthrough\\.ts\\(\\d+,\\d+\\): error TS\\d+: .*(${field}|not assignable)`));
  });
});

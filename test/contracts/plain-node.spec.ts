// @uses-modules inventory, catalog
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

/**
 * A contract is plain data: it loads in plain Node with no NestJS anywhere. The test builds a
 * folder outside the repository (so nothing resolves up into its node_modules) holding only
 * the built kernel primitives (as the package @seams/kernel), Zod, and the built contracts of
 * inventory and catalog (which inventory's contract imports); then a plain Node script there
 * imports inventory's contract, builds a message and validates it.
 *
 * Needs the build (`npm run build`: packages/kernel/dist and dist/modules).
 */
describe('a contract in plain Node, NestJS absent', () => {
  let dir: string;

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'seams-plain-contract-')));
    const kernel = join(dir, 'node_modules', '@seams', 'kernel');
    cpSync(join(ROOT, 'packages', 'kernel', 'package.json'), join(kernel, 'package.json'));
    cpSync(join(ROOT, 'packages', 'kernel', 'dist', 'primitives'), join(kernel, 'dist', 'primitives'), { recursive: true });
    cpSync(realpathSync(join(ROOT, 'node_modules', 'zod')), join(dir, 'node_modules', 'zod'), { recursive: true });
    for (const module of ['inventory', 'catalog']) {
      cpSync(join(ROOT, 'dist', 'modules', module, 'contract'), join(dir, 'modules', module, 'contract'), { recursive: true });
    }
    writeFileSync(
      join(dir, 'main.js'),
      `
const resolvable = (name) => { try { require.resolve(name); return true; } catch { return false; } };
const { ReserveStock } = require('./modules/inventory/contract');
const { validate, toJsonSchema } = require('@seams/kernel/primitives');
const valid = new ReserveStock('6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', [{ sku: 'TEA-1', quantity: 2 }]);
const invalid = new ReserveStock('not-a-uuid', [{ sku: 'TEA-1', quantity: 0 }]);
console.log(JSON.stringify({
  nest: ['@nestjs/cqrs', '@nestjs/common', '@nestjs/core', 'reflect-metadata'].filter(resolvable),
  loaded: Object.keys(require.cache).filter((file) => file.includes('@nestjs')),
  wire: ReserveStock.wire,
  valid: validate(ReserveStock.schema, { ...valid, extra: 'dropped' }),
  invalid: validate(ReserveStock.schema, { ...invalid }),
  required: toJsonSchema(ReserveStock.schema).required,
}));
`,
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a module contract, builds a message and validates it, valid and invalid', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['main.js'], { cwd: dir, env: { PATH: process.env.PATH ?? '', NODE_PATH: '' } });
    expect(JSON.parse(stdout)).toEqual({
      nest: [],
      loaded: [],
      wire: 'inventory.reserve-stock.v1',
      valid: { ok: true, value: { orderId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', lines: [{ sku: 'TEA-1', quantity: 2 }] } },
      invalid: {
        ok: false,
        issues: [
          { path: 'orderId', message: expect.any(String) },
          { path: 'lines[0].quantity', message: expect.any(String) },
        ],
      },
      required: ['orderId', 'lines'],
    });
  });
});

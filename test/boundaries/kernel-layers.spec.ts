import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KERNEL = join(__dirname, '..', '..', 'packages', 'kernel');
const DEPCRUISE = join(__dirname, '..', '..', 'node_modules', '.bin', 'depcruise');

/** dependency-cruiser's verdict on a kernel tree (the real one, or a copy with a planted import). */
function cruise(dir: string): { status: number | null; output: string } {
  const run = spawnSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the kernel’s layers (dependency-cruiser, as `npm run lint:kernel` runs it in CI)', () => {
  it('finds no import cycle and no import of a higher layer in the kernel', () => {
    const { status, output } = cruise(KERNEL);
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  it.each([
    ['a cycle inside a folder', 'seam/zz-a.ts', "import { b } from './zz-b';\nexport const a = () => b;\n", 'seam/zz-b.ts', "import { a } from './zz-a';\nexport const b = () => a;\n", /no-circular/],
    ['an import of a higher layer', 'security/zz-up.ts', "import { Seam } from '../seam';\nexport const up = Seam;\n", undefined, undefined, /security-imports-only-lower-layers/],
    ['primitives importing the rest', 'primitives/zz-up.ts', "import { RequestContexts } from '../context';\nexport const up = RequestContexts;\n", undefined, undefined, /primitives-imports-only-lower-layers/],
  ])('reports %s', (_what, file, source, other, otherSource, rule) => {
    const root = mkdtempSync(join(tmpdir(), 'seams-kernel-'));
    const copy = join(root, 'packages', 'kernel');
    try {
      cpSync(KERNEL, copy, { recursive: true, filter: (path) => !path.includes('/dist') && !path.includes('node_modules') });
      cpSync(join(KERNEL, '..', '..', 'tsconfig.json'), join(root, 'tsconfig.json'));
      writeFileSync(join(copy, 'src', file), source);
      if (other) writeFileSync(join(copy, 'src', other), otherSource!);
      const { status, output } = cruise(copy);
      expect(output).toMatch(rule);
      expect(status).not.toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(__dirname, '..', '..');

/** The version of `name` installed at the root (what the repository is tested with). */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

export const kernelManifest = (): { exports: Record<string, unknown>; peerDependencies: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> } =>
  JSON.parse(readFileSync(join(ROOT, 'packages/kernel/package.json'), 'utf8'));

/** The kernel's subpaths (`host`, `seam`, ...), from its `exports`. */
export function kernelSubpaths(): string[] {
  return Object.keys(kernelManifest().exports)
    .filter((key) => key !== './package.json')
    .map((key) => key.slice(2));
}

export interface FreshFolder {
  readonly dir: string;
  /** Runs a command there (its output on failure), within `timeoutMs`. */
  exec(command: string, args: readonly string[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string }>;
  remove(): void;
}

/**
 * A new folder outside the repository with the kernel as `npm pack` makes it (from the built
 * packages/kernel/dist) installed from its tarball, with its required peer dependencies and
 * `extra` packages at the versions the repository is tested with: what a team that adopts the
 * kernel would have. `--prefer-offline` takes what npm has cached, so it is quick after the
 * first time. The install must print no engine (`EBADENGINE`) or peer-dependency (`ERESOLVE`)
 * warning on the Node the tests run on.
 */
export async function freshInstall(extra: readonly string[], timeoutMs = 240_000): Promise<FreshFolder> {
  const dir = mkdtempSync(join(tmpdir(), 'seams-adopt-'));
  const exec: FreshFolder['exec'] = async (command, args, options = {}) => {
    try {
      return await run(command, [...args], { cwd: dir, timeout: options.timeoutMs ?? 120_000, env: { ...process.env, ...options.env }, maxBuffer: 64 << 20 });
    } catch (error) {
      const failed = error as Error & { stdout?: string; stderr?: string };
      throw new Error(`${command} ${args.join(' ')} failed in ${dir}: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`, { cause: error });
    }
  };
  try {
    await run('npm', ['pack', '--workspace', '@seams/kernel', '--pack-destination', dir], { cwd: ROOT, timeout: 60_000 });
    const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${dir}`);
    // What the README tells a team on Node 20 to add: NestJS 12's file-type 22 needs Node 22 (ADR 0021).
    const overrides = { 'file-type': (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { overrides: Record<string, string> }).overrides['file-type'] };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, version: '0.0.0', overrides }, null, 2));
    const { peerDependencies, peerDependenciesMeta = {} } = kernelManifest();
    const required = Object.keys(peerDependencies).filter((name) => !peerDependenciesMeta[name]?.optional);
    const packages = [...new Set([...required, ...extra])].map((name) => `${name}@${installedVersion(name)}`);
    const { stderr } = await exec('npm', ['install', `./${tarball}`, ...packages, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'], { timeoutMs });
    const complaints = stderr.split('\n').filter((line) => /EBADENGINE|ERESOLVE/.test(line));
    if (complaints.length > 0) throw new Error(`npm install of the kernel printed engine or peer-dependency warnings on Node ${process.version}:\n${stderr}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, exec, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The tsconfig of a NestJS 12 app on Node (CommonJS through `nodenext`, decorators), libraries checked too. */
export const NEST_TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'ES2022',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    useDefineForClassFields: false,
    strictPropertyInitialization: false,
    skipLibCheck: false,
    esModuleInterop: true,
    outDir: 'dist',
  },
};

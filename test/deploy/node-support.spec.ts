import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const ROOT = join(__dirname, '..', '..');
const read = <T>(path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

interface LockedPackage {
  readonly version?: string;
  /** An object in current packages; a few old ones still write an array of strings. */
  readonly engines?: { readonly node?: string } | readonly string[];
}

/**
 * The Node versions Seams supports are package.json's `engines`. Every package the lockfile
 * installs must accept the oldest release of each supported line, or `npm ci` warns
 * `EBADENGINE` there (on the Node CI runs, .ci/run also fails on that warning). The image's Node
 * (Dockerfile) is checked against `engines` in dockerfile.spec.ts.
 */
describe('supported Node versions', () => {
  const engines = read<{ engines: { node: string } }>('package.json').engines.node;
  /** The oldest version of each line `engines` names: `^20.19.0 || ^22.13.0 || >=24.11.0` gives 20.19.0, 22.13.0, 24.11.0. */
  const oldest = engines.split('||').map((range) => semver.minVersion(range.trim())!.version);

  it('are declared as lines, each from a release that loads the ESM-only NestJS packages (require(esm))', () => {
    expect(oldest.length).toBeGreaterThanOrEqual(2);
    for (const version of oldest) {
      const [major, minor] = [semver.major(version), semver.minor(version)];
      expect(major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19)).toBe(true);
    }
    expect(semver.satisfies('20.20.2', engines)).toBe(true); // this machine's and CI's Node
  });

  it('are those of the kernel package too', () => {
    expect(read<{ engines: { node: string } }>('packages/kernel/package.json').engines.node).toBe(engines);
  });

  it('are accepted by every package npm ci installs', () => {
    const packages = read<{ packages: Record<string, LockedPackage> }>('package-lock.json').packages;
    const refused: string[] = [];
    for (const [path, locked] of Object.entries(packages)) {
      const range = Array.isArray(locked.engines) ? undefined : (locked.engines as { readonly node?: string } | undefined)?.node;
      if (!path || !range) continue;
      for (const version of oldest) {
        if (!semver.satisfies(version, range)) refused.push(`${path.replace(/^.*node_modules\//, '')}@${locked.version ?? ''} needs node ${range}, not ${version}`);
      }
    }
    expect(refused).toEqual([]);
  });
});

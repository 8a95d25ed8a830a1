import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes';

/**
 * Releases (releases.json): the entry without a commit is the code here, release N; the one
 * before is N-1. `buildRelease` makes a runnable build of any commit: its tree exported from
 * git (`git archive`, a plain folder: a `git worktree` would tie the cache to one clone), its
 * dependencies installed from its own lockfile (`npm ci`) and `npm run build`; cached by commit
 * in `SEAMS_RELEASE_CACHE` (default `~/.cache/seams-releases`), so CI builds N-1 once per
 * machine, and concurrent test files share one build (a lock folder while it is made).
 */
export interface Release {
  readonly version: string;
  readonly commit: string | null;
  readonly date: string | null;
}

export function releases(): Release[] {
  return (JSON.parse(readFileSync(join(ROOT, 'releases.json'), 'utf8')) as { releases: Release[] }).releases;
}

/** N-1: the newest release with a commit. */
export function previousRelease(): Release & { readonly commit: string } {
  const released = releases().filter((release): release is Release & { commit: string } => release.commit !== null);
  if (released.length === 0) throw new Error('releases.json lists no release with a commit: there is no N-1 to build');
  return released[released.length - 1];
}

export interface ReleaseBuild {
  readonly commit: string;
  /** The folder holding the build (its own node_modules and dist). */
  readonly dir: string;
  /** Its `dist/src/main.js`: `node <main> [--module m]` runs that release. */
  readonly main: string;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

export async function buildRelease(ref: string, log: (line: string) => void = () => undefined): Promise<ReleaseBuild> {
  let commit: string;
  try {
    commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  } catch {
    throw new Error(`"${ref}" is not a commit of this repository (a release's commit, a tag or a branch)`);
  }
  const cache = process.env.SEAMS_RELEASE_CACHE || join(homedir(), '.cache', 'seams-releases');
  const dir = join(cache, commit);
  const built = join(dir, '.seams-built');
  const result = { commit, dir, main: join(dir, 'dist', 'src', 'main.js') };
  if (existsSync(built)) return result;
  mkdirSync(cache, { recursive: true });
  const lock = `${dir}.lock`;
  // One builder at a time; the others wait until the build is there (or the lock is given up).
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(built)) return result;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (existsSync(built)) return result;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    log(`building release ${commit.slice(0, 12)} in ${dir} (git archive, npm ci, npm run build)`);
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: ROOT, stdio: 'pipe' });
    const env = { ...process.env, NODE_ENV: 'development', CI: '' };
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
    execFileSync('npm', ['run', '-s', 'build'], { cwd: dir, env, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(built, `${new Date().toISOString()}\n`);
    return result;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

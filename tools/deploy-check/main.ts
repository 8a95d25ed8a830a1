import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { MANIFESTS } from '../../src/host/manifests';

const USAGE = `npm run deploy:check -- <module> [<module> ...] | --all | --each [--against <release or git ref>]

Answers "can I deploy these modules now, with the rest of the system at <against>?" (default:
N-1, the newest release in releases.json with a commit): yes or no, with the reasons. It checks
the modules' published messages against their snapshot there, their consumers' pacts committed
there against their code now, and their own pacts now against their providers built there.
--all: every module, deployed together. --each: every module, each deployed alone (what CI runs).`;

interface Request {
  readonly modules: string[];
  readonly against: string;
  readonly each: boolean;
}

interface Report {
  readonly yes: boolean;
  readonly reasons: readonly string[];
  readonly checked: readonly string[];
}

/** The repository: the nearest folder above this file with releases.json (the tool runs from dist/tools/...). */
function rootOf(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'releases.json')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('no releases.json above the tool: run it from the repository (npm run deploy:check)');
  }
}

const ROOT = rootOf(__dirname);
/** The Jest job that does the work (it starts the system's processes as the tests do). */
const JOB = join(ROOT, 'test', 'pacts', 'deploy-check.job.ts');

/** N-1 from releases.json, by its version (the ref is its commit). */
function previousRelease(): { version: string; commit: string } {
  const { releases } = JSON.parse(readFileSync(join(ROOT, 'releases.json'), 'utf8')) as { releases: { version: string; commit: string | null }[] };
  const released = releases.filter((release): release is { version: string; commit: string } => release.commit !== null);
  if (released.length === 0) throw new Error('releases.json lists no release with a commit: give --against <git ref>');
  return released[released.length - 1];
}

/** Reads the command line; one line naming the mistake. */
export function requestOf(argv: readonly string[], known: readonly string[]): Request {
  const modules: string[] = [];
  let against: string | undefined;
  let each = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--against') {
      against = argv[++i];
      if (!against || against.startsWith('--')) throw new Error('--against needs a release version or a git ref');
    } else if (argument === '--all') modules.push(...known);
    else if (argument === '--each') {
      each = true;
      modules.push(...known);
    }
    else if (argument.startsWith('--')) throw new Error(`unknown option ${argument}`);
    else if (!known.includes(argument)) throw new Error(`there is no module "${argument}" (there are: ${known.join(', ')})`);
    else modules.push(argument);
  }
  if (modules.length === 0) throw new Error('name the modules to deploy (or --all)');
  const { releases } = JSON.parse(readFileSync(join(ROOT, 'releases.json'), 'utf8')) as { releases: { version: string; commit: string | null }[] };
  const release = against === undefined ? previousRelease() : releases.find((entry) => entry.version === against && entry.commit !== null);
  const ref = release?.commit ?? against!;
  try {
    execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    throw new Error(`"${against}" is neither a release in releases.json nor a commit of this repository`);
  }
  return { modules: [...new Set(modules)], against: ref, each };
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(USAGE);
  const known = MANIFESTS.map((manifest) => manifest.name);
  // A system with no module yet (the shop removed, none added): --each and --all have nothing to check.
  if (known.length === 0 && (argv.includes('--each') || argv.includes('--all'))) return void console.log('deploy:check: this system has no module (src/host/manifests.ts): nothing to check');
  if (!existsSync(JOB)) {
    console.error(`deploy:check: ${relative(ROOT, JOB)} is not here (module:remove takes it with the shop, whose provider states its verifications use)`);
    process.exit(2);
  }
  let request: Request;
  try {
    request = requestOf(argv, known);
  } catch (error) {
    console.error(`deploy:check: ${(error as Error).message}`);
    process.exit(2);
  }
  const report = join(mkdtempSync(join(tmpdir(), 'seams-deploy-check-')), 'report.json');
  console.log(`deploy:check: ${request.modules.join(', ')} now, with the rest at ${request.against.slice(0, 12)} (this starts the shop's processes; N-1's build is cached)`);
  const jest = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest', { paths: [ROOT] }), '--runInBand', '--silent', '--testMatch', '**/test/pacts/deploy-check.job.ts', '--testPathIgnorePatterns', '/node_modules/'],
    { cwd: ROOT, env: { ...process.env, PACT_DO_NOT_TRACK: 'true', SEAMS_DEPLOY_CHECK: JSON.stringify({ ...request, report }) }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (!existsSync(report)) {
    console.error(`deploy:check: the check could not run to the end:\n${(jest.stdout + jest.stderr).slice(-4000)}`);
    process.exit(2);
  }
  const answer = JSON.parse(readFileSync(report, 'utf8')) as Report;
  for (const line of answer.checked) console.log(`  · ${line}`);
  const who = request.each ? `each of ${request.modules.join(', ')}` : request.modules.join(', ');
  if (answer.yes) {
    console.log(`yes: ${who} can go out now; the rest at ${request.against.slice(0, 12)} keeps working with it.`);
    return;
  }
  console.error(`no: ${who} must not go out now:`);
  for (const reason of answer.reasons) console.error(`  ✗ ${reason}`);
  console.error('See README, "Deploying one module on its own": what to do when the check says no.');
  process.exitCode = 1;
}

if (require.main === module) main();

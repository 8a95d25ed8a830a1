import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, ROOT, startAppProcess } from '../support/processes';

const TOKEN_CLI = join(ROOT, 'dist', 'src', 'host', 'token-cli.js');
/** A user who may not write a folder root made (as root, permissions do not stop anything). */
const NOBODY = { uid: 65534, gid: 65534 };
const root = userInfo().uid === 0;
const asNobody: { uid?: number; gid?: number } = root ? NOBODY : {};

/**
 * Whether other users can run this build with this Node: not in a checkout closed to them (a
 * clone in a `mktemp -d` folder, CI's) or with a Node binary kept under /root (CI's Node 22).
 */
function reachableByOthers(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      accessSync(dir, constants.X_OK);
    } catch {
      return false;
    }
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}
/** The permission case needs another user (as root) who can run the build; else it cannot be shown. */
const canDropRoot = !root || (reachableByOthers(dirname(TOKEN_CLI)) && reachableByOthers(dirname(process.execPath)));
if (!canDropRoot) console.warn('dev-keys-and-token: this checkout or this Node binary is closed to other users, so the permission cases (run as nobody) are skipped');

function token(args: string[], env: Record<string, string> = {}, as: { uid?: number; gid?: number } = {}) {
  const result = spawnSync(process.execPath, [TOKEN_CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', ...as });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run token', () => {
  it('prints its usage with --help (exit code 0)', () => {
    const { code, stdout } = token(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run token -- --sub <subject> \[--role <role>\]\.\.\. \[--ttl <seconds>\]\n/);
    expect(stdout).toMatch(/--role <role> +one of customer, admin/);
    expect(stdout).toMatch(/Example: npm run token -- --sub you --role admin/);
  });

  it.each([
    [['--bogus'], 'unknown argument --bogus'],
    [['--sub'], '--sub needs a value'],
    [[], '--sub <subject> is required'],
    [['--sub', 'you', '--role', 'root'], '--role must be one of customer, admin, not "root"'],
    [['--sub', 'you', '--ttl', 'soon'], '--ttl must be seconds between 1 and 604800'],
  ])('answers bad arguments %j with what is wrong and the usage, exit code 2', (args, said) => {
    const { code, stderr, stdout } = token(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`npm run token: ${said}`);
    expect(stderr).toContain('Usage: npm run token -- --sub <subject>');
    expect(stdout).toBe('');
  });
});

(canDropRoot ? describe : describe.skip)('a development keys folder this process may not write', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'seams-readonly-'));
    mkdirSync(join(dataDir, 'auth'));
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'auth'), 0o755); // root's; others may read, not write
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const said = (folder: string) =>
    `SEAMS_DATA_DIR=${folder}: the development keys' folder ${join(folder, 'auth')} cannot be used (EACCES): this process (user id ${asNobody.uid ?? userInfo().uid}) ` +
    'may not write there; make the folder writable by it (chown or chmod) or use a data folder it owns';

  it('npm run token names the folder, the permission error and SEAMS_DATA_DIR, not ENOENT', () => {
    const { code, stderr } = token(['--sub', 'you', '--role', 'admin'], { SEAMS_DATA_DIR: dataDir }, asNobody);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`npm run token: ${said(dataDir)}`);
    expect(stderr).not.toMatch(/ENOENT/);
  });

  it('a start with SEAMS_AUTH_DEV=on refuses in one line, exit code 2, before the database', async () => {
    const app = startAppProcess(
      { SEAMS_DATA_DIR: dataDir, SEAMS_AUTH_DEV: 'on', PORT: String(await freePort()), SEAMS_EMBEDDED_PG_PORT: String(await freePort()) },
      asNobody,
    );
    expect(await app.exited()).toBe(2);
    expect(app.output().trim()).toBe(said(dataDir));
  });
});

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { DEV_ISSUER } from './auth-settings';

const ALGORITHM = 'ES256';

/**
 * The development keys' folder cannot be read or written (a folder made by another user, a
 * read-only file system): names the folder, the reason and the fix, so the host can report it
 * in one line instead of a missing file.
 */
export class DevKeyFolderError extends Error {
  constructor(
    readonly folder: string,
    readonly code: string,
  ) {
    super(`the development keys' folder ${folder} cannot be ${code === 'EROFS' ? 'written: the file system is read-only' : `used (${code}): ${reasonOf(code)}`}`);
    this.name = 'DevKeyFolderError';
  }
}

function reasonOf(code: string): string {
  if (code === 'EACCES' || code === 'EPERM') {
    const uid = process.getuid?.();
    return `this process${uid === undefined ? '' : ` (user id ${uid})`} may not write there; make the folder writable by it (chown or chmod) or use a data folder it owns`;
  }
  if (code === 'ENOTDIR') return 'a file stands where a folder should be';
  return 'choose a writable data folder';
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'unknown error';

/** Reads `file`, or writes `make()` to it first (once, even when several processes race). */
function readOrCreate(file: string, make: () => Promise<string> | string): Promise<string> {
  const dir = dirname(file);
  try {
    return Promise.resolve(readFileSync(file, 'utf8'));
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw new DevKeyFolderError(dir, codeOf(error));
    return Promise.resolve(make()).then((content) => {
      try {
        // Only the key's own directory is private: a recursive mkdir with a mode would give it
        // to every directory it makes, .data included, and lock other users out of the rest.
        mkdirSync(dirname(dir), { recursive: true });
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
        return content;
      } catch (error) {
        // Another process was first; any other failure (permissions, read-only) is reported as it is.
        if (codeOf(error) === 'EEXIST') return readFileSync(file, 'utf8');
        throw new DevKeyFolderError(dir, codeOf(error));
      }
    });
  }
}

/** The development issuer's key pair, made on first use in `<authDir>/dev-signing-key.json` (git-ignored with .data). */
export async function devSigningKey(authDir: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const text = await readOrCreate(join(authDir, 'dev-signing-key.json'), async () => {
    const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    return JSON.stringify({ ...(await exportJWK(privateKey)), alg: ALGORITHM }, null, 2);
  });
  const privateJwk = JSON.parse(text) as JWK;
  const publicJwk: JWK = { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y, alg: ALGORITHM };
  return { privateJwk, publicJwk };
}

/** A development token for `subject` with `roles`, valid for `ttlSeconds`. */
export async function signDevToken(
  authDir: string,
  options: { subject: string; roles: readonly string[]; audience: string; ttlSeconds?: number; rolesClaim?: string },
): Promise<string> {
  const { privateJwk } = await devSigningKey(authDir);
  const key = await importJWK(privateJwk, ALGORITHM);
  return new SignJWT({ [options.rolesClaim ?? 'roles']: [...options.roles] })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(options.audience)
    .setSubject(options.subject)
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds ?? 3600}s`)
    .sign(key);
}

/** The generated service secret of a development deployment, shared by processes using one data folder. */
export function devServiceSecret(authDir: string): Promise<string> {
  return readOrCreate(join(authDir, 'service-secret'), () => randomBytes(32).toString('base64url'));
}

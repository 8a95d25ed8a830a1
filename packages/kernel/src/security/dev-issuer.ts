import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { DEV_ISSUER } from './auth-settings';

const ALGORITHM = 'ES256';

/** Reads `file`, or writes `make()` to it first (once, even when several processes race). */
function readOrCreate(file: string, make: () => Promise<string> | string): Promise<string> {
  try {
    return Promise.resolve(readFileSync(file, 'utf8'));
  } catch {
    return Promise.resolve(make()).then((content) => {
      // Only the key's own directory is private: a recursive mkdir with a mode would give it
      // to every directory it makes, .data included, and lock other users out of the rest.
      const dir = dirname(file);
      mkdirSync(dirname(dir), { recursive: true });
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      try {
        writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
        return content;
      } catch {
        return readFileSync(file, 'utf8'); // another process was first
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

import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ActingAs, type Sealable, sealKey, sealOf } from '@seams/kernel/security';

/** The settings that make an app trust the test issuer (set up by `global-setup.ts`). */
export function testAuthEnv(): Record<string, string> {
  const names = ['SEAMS_AUTH_ISSUER', 'SEAMS_AUTH_PUBLIC_KEY', 'SEAMS_SERVICE_SECRET'];
  return Object.fromEntries(names.map((name) => [name, process.env[name] ?? '']).filter(([, value]) => value));
}

let issuerKey: KeyObject | undefined;
const key = () => (issuerKey ??= createPrivateKey(readFileSync(process.env.SEAMS_TEST_ISSUER_KEY!, 'utf8')));

export interface TokenOptions {
  readonly sub: string;
  readonly roles?: readonly string[];
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
  readonly issuer?: string;
  readonly audience?: string;
  /** Sign with another key (a token the app cannot verify). */
  readonly foreignKey?: boolean;
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT (ES256) from the test issuer, or, with options, one the apps must refuse. Synchronous, so helpers can stay so. */
export function tokenFor(options: TokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const signingKey = options.foreignKey ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : key();
  const input = `${encode({ alg: 'ES256', typ: 'JWT' })}.${encode({
    iss: options.issuer ?? process.env.SEAMS_AUTH_ISSUER,
    aud: options.audience ?? 'seams',
    sub: options.sub,
    roles: [...(options.roles ?? [])],
    iat: now - 60,
    exp: now + (options.expiresIn ?? 3600),
  })}`;
  const signature = sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${input}.${signature}`;
}

/** `Bearer <token>` for `sub` with `roles`. */
export function bearer(sub: string, ...roles: string[]): string {
  return `Bearer ${tokenFor({ sub, roles })}`;
}

/** The admin the tests act as unless they say otherwise (it may also place orders). */
export const ADMIN_SUBJECT = 'test-admin';
export const adminBearer = (): string => bearer(ADMIN_SUBJECT, 'admin', 'customer');

/** A customer placing orders as `sub`. */
export const customerBearer = (sub: string): string => bearer(sub, 'customer');

/**
 * An envelope sealed as a process of the deployment seals it (`service`, see the kernel's
 * `sealOf`): with the deployment's secret for a trusted sender, any other for a forged one;
 * acting for the user whose token it carries (`identity`), or for the sending service.
 */
export function sealed<E extends Sealable>(envelope: E, options: { secret?: string; sender?: string; as?: ActingAs } = {}): E & { service: string } {
  const as = options.as ?? (envelope.identity !== undefined ? 'user' : 'service');
  return { ...envelope, service: sealOf(sealKey(options.secret ?? process.env.SEAMS_SERVICE_SECRET!), envelope, options.sender ?? 'test', as) };
}

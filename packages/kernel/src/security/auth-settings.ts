import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who may issue the bearer tokens this deployment accepts (an OAuth 2.0 resource server's
 * view). Settings:
 *   SEAMS_AUTH_ISSUER        the `iss` tokens must carry (required with a JWKS URL or a key)
 *   SEAMS_AUTH_JWKS_URL      where the issuer publishes its signing keys, or
 *   SEAMS_AUTH_PUBLIC_KEY    its public key: PEM text, or the path of a PEM file
 *   SEAMS_AUTH_AUDIENCE      the `aud` tokens must carry (default `seams`)
 *   SEAMS_AUTH_ROLES_CLAIM   the claim holding the user's roles (default `roles`)
 *   SEAMS_AUTH_DEV=on        also trust the development issuer (`seams-dev`, a key kept in
 *                            `<SEAMS_DATA_DIR>/auth/`; `npm run token` signs with it). Refused
 *                            when NODE_ENV=production.
 *   SEAMS_SERVICE_SECRET     the secret (32+ characters) processes of one deployment sign their
 *                            service credential with on the seam; outside production a
 *                            generated one in `<SEAMS_DATA_DIR>/auth/` is used when unset
 */
export interface AuthSettings {
  readonly issuer?: { readonly issuer: string; readonly jwksUrl?: string; readonly publicKeyPem?: string };
  readonly audience: string;
  readonly rolesClaim: string;
  readonly dev: boolean;
  readonly authDir: string;
  readonly serviceSecret?: string;
  readonly production: boolean;
}

export const DEV_ISSUER = 'seams-dev';

export function authDirFrom(env: NodeJS.ProcessEnv): string {
  return join(env.SEAMS_DATA_DIR || join(process.cwd(), '.data'), 'auth');
}

export function authSettingsFrom(env: NodeJS.ProcessEnv): AuthSettings {
  const production = env.NODE_ENV === 'production';
  const dev = (env.SEAMS_AUTH_DEV ?? '').toLowerCase();
  if (dev && dev !== 'on' && dev !== 'off') throw new Error(`SEAMS_AUTH_DEV must be on or off, not "${env.SEAMS_AUTH_DEV}"`);
  if (dev === 'on' && production) {
    throw new Error('SEAMS_AUTH_DEV=on is refused when NODE_ENV=production: the development issuer signs tokens anyone with this folder can make');
  }
  const jwksUrl = env.SEAMS_AUTH_JWKS_URL || undefined;
  const key = env.SEAMS_AUTH_PUBLIC_KEY || undefined;
  if (jwksUrl && key) throw new Error('Set SEAMS_AUTH_JWKS_URL or SEAMS_AUTH_PUBLIC_KEY, not both');
  const issuerName = env.SEAMS_AUTH_ISSUER || undefined;
  if ((jwksUrl || key) && !issuerName) throw new Error('SEAMS_AUTH_ISSUER is required with SEAMS_AUTH_JWKS_URL or SEAMS_AUTH_PUBLIC_KEY');
  if (issuerName && !jwksUrl && !key) throw new Error('SEAMS_AUTH_ISSUER needs SEAMS_AUTH_JWKS_URL or SEAMS_AUTH_PUBLIC_KEY');
  if (jwksUrl && !/^https?:\/\//.test(jwksUrl)) throw new Error(`SEAMS_AUTH_JWKS_URL must be an http(s) URL, not "${jwksUrl}"`);
  const serviceSecret = env.SEAMS_SERVICE_SECRET || undefined;
  if (serviceSecret !== undefined && serviceSecret.length < 32) throw new Error('SEAMS_SERVICE_SECRET must be at least 32 characters');
  return {
    issuer: issuerName ? { issuer: issuerName, jwksUrl, publicKeyPem: key && (key.includes('-----BEGIN') ? key : readFileSync(key, 'utf8')) } : undefined,
    audience: env.SEAMS_AUTH_AUDIENCE || 'seams',
    rolesClaim: env.SEAMS_AUTH_ROLES_CLAIM || 'roles',
    dev: dev === 'on',
    authDir: authDirFrom(env),
    serviceSecret,
    production,
  };
}

/** A process that serves HTTP must trust some issuer; says which settings are missing otherwise. */
export function assertSomeIssuer(settings: AuthSettings): void {
  if (!settings.issuer && !settings.dev) {
    throw new Error(
      'No token issuer is configured: set SEAMS_AUTH_ISSUER with SEAMS_AUTH_JWKS_URL or SEAMS_AUTH_PUBLIC_KEY, ' +
        'or SEAMS_AUTH_DEV=on for development (npm start does)',
    );
  }
}

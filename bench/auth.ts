import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/**
 * The benchmark's own token issuer, as a deployment's identity provider would be: the app
 * processes trust its public key (SEAMS_AUTH_ISSUER, SEAMS_AUTH_PUBLIC_KEY) and verify every
 * bearer token as in production (ES256; each token is verified once per process, then
 * cached). The processes of one setup share a service secret for their seam credentials.
 */
const ISSUER = 'seams-bench';
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const METRICS_TOKEN = randomBytes(32).toString('base64url');
/** The `Authorization` value the processes' `/metrics` asks for. */
export const METRICS_BEARER = `Bearer ${METRICS_TOKEN}`;

export const AUTH_ENV: Readonly<Record<string, string>> = {
  SEAMS_AUTH_ISSUER: ISSUER,
  SEAMS_AUTH_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  SEAMS_SERVICE_SECRET: randomBytes(32).toString('base64url'),
  // Production asks /metrics for its own token (the soak scrapes with it: METRICS_BEARER).
  SEAMS_METRICS_TOKEN: METRICS_TOKEN,
};

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A bearer token for `subject` with `roles`, valid for an hour. */
export function bearer(subject: string, roles: readonly string[]): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iss: ISSUER, aud: 'seams', sub: subject, roles, iat: now, exp: now + 3600 }));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
  return `Bearer ${header}.${payload}.${base64url(signature)}`;
}

import { readFileSync } from 'node:fs';

/**
 * The HTTP edge's settings:
 *   SEAMS_HTTPS_CERT, SEAMS_HTTPS_KEY  PEM files: serve HTTPS instead of HTTP (both or neither)
 *   SEAMS_CORS_ORIGINS     comma-separated origins allowed to call from a browser (CORS is off when unset)
 *   SEAMS_BODY_LIMIT       largest JSON body accepted, e.g. 100kb (default); larger gets 413
 *   SEAMS_RATE_LIMIT       requests per client address per minute (default 1000; 0 turns it off); beyond it 429 with Retry-After
 */
export interface HttpSettings {
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  readonly corsOrigins: string[];
  readonly bodyLimit: string;
  readonly ratePerMinute: number;
}

export function httpSettingsFrom(env: NodeJS.ProcessEnv): HttpSettings {
  const cert = env.SEAMS_HTTPS_CERT;
  const key = env.SEAMS_HTTPS_KEY;
  if (Boolean(cert) !== Boolean(key)) throw new Error('HTTPS needs both SEAMS_HTTPS_CERT and SEAMS_HTTPS_KEY');
  const bodyLimit = env.SEAMS_BODY_LIMIT || '100kb';
  if (!/^\d+(b|kb|mb)$/i.test(bodyLimit)) throw new Error(`SEAMS_BODY_LIMIT must look like 100kb or 1mb, not "${bodyLimit}"`);
  const ratePerMinute = Number(env.SEAMS_RATE_LIMIT ?? 1000);
  if (!Number.isInteger(ratePerMinute) || ratePerMinute < 0) throw new Error('SEAMS_RATE_LIMIT must be a whole number ≥ 0');
  const corsOrigins = (env.SEAMS_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) throw new Error(`SEAMS_CORS_ORIGINS: "${origin}" is not an origin like https://shop.example`);
  }
  return {
    https: cert && key ? { cert: readFileSync(cert), key: readFileSync(key) } : undefined,
    corsOrigins,
    bodyLimit,
    ratePerMinute,
  };
}

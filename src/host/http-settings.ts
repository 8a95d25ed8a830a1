import { readFileSync } from 'node:fs';
import type { Settings } from './config';

/** The HTTP edge's settings (declared in config/settings.ts: SEAMS_HTTPS_*, SEAMS_CORS_ORIGINS, SEAMS_BODY_LIMIT, SEAMS_RATE_LIMIT). */
export interface HttpSettings {
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  readonly corsOrigins: string[];
  readonly bodyLimit: string;
  readonly ratePerMinute: number;
  /** Where the rate limit is counted for every replica at once (none: in this process). */
  readonly rateLimitRedisUrl?: string;
  /** Express's `trust proxy` (SEAMS_TRUST_PROXY): a hop count or addresses. */
  readonly trustProxy?: number | string;
}

export function httpSettingsOf(settings: Settings): HttpSettings {
  const { httpsCert: cert, httpsKey: key } = settings;
  return {
    https: cert && key ? { cert: readFileSync(cert), key: readFileSync(key) } : undefined,
    corsOrigins: settings.corsOrigins,
    bodyLimit: settings.bodyLimit,
    ratePerMinute: settings.rateLimit,
    rateLimitRedisUrl: settings.rateLimitRedisUrl,
    trustProxy: settings.trustProxy === undefined ? undefined : /^\d+$/.test(settings.trustProxy) ? Number(settings.trustProxy) : settings.trustProxy,
  };
}

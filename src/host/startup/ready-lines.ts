import type { Settings } from '../config';

/**
 * What a start prints once the process serves requests: where the API, the docs, the metrics
 * and the health checks are, and what to do next. (What runs where is logged by `createApp`.)
 */
export function readyLines(settings: Settings, tracing: boolean): string[] {
  const base = `${settings.httpsCert ? 'https' : 'http'}://localhost:${settings.port}`;
  return [
    `Ready: API at ${base}/v1, Swagger UI at ${base}/docs, metrics at ${base}/metrics, health at ${base}/health; tracing ${tracing ? 'on' : 'off'}`,
    settings.authDev
      ? `Next: make a token with \`npm run token -- --sub you --role admin\`, open ${base}/docs, press Authorize and paste it`
      : `Next: call ${base}/v1 with a bearer token from ${settings.authIssuer ?? 'your issuer'}; ${base}/docs lists the routes`,
  ];
}

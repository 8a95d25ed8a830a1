export { shutDownGracefully } from '@seams/kernel/host';

/** How long a graceful shutdown may wait for work under way, from `SEAMS_SHUTDOWN_TIMEOUT_MS` (default 10000). */
export function shutdownTimeoutFrom(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.SEAMS_SHUTDOWN_TIMEOUT_MS || 10_000);
  if (!Number.isInteger(value) || value <= 0) throw new Error('SEAMS_SHUTDOWN_TIMEOUT_MS must be a positive whole number');
  return value;
}

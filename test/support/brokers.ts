import { spawnSync } from 'node:child_process';

/** Whether something accepts TCP connections on 127.0.0.1:`port` (checked synchronously, at collection time). */
export function reachable(port: number): boolean {
  const probe = `require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 3000 }).status === 0;
}

/**
 * Tests of a broker transport run against the real local server. Where it is not reachable
 * they fail in CI (CI=true) and are skipped loudly elsewhere.
 */
export function brokerTest(name: string, port: number): { available: boolean; describe: jest.Describe } {
  const available = reachable(port);
  if (!available && process.env.CI !== 'true') {
    console.warn(`\n*** ${name} on 127.0.0.1:${port} is not reachable: its transport tests are SKIPPED (they fail in CI) ***\n`);
    return { available, describe: describe.skip };
  }
  return { available, describe };
}

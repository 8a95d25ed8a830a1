import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import {
  type HarnessOptions as KernelHarnessOptions,
  type ModuleHarness as KernelModuleHarness,
  startModuleHarness as startKernelHarness,
} from '@seams/kernel/testing';
import { testAuthEnv } from './auth';

export { eventOf } from '@seams/kernel/testing';
export type { PublishedEvent } from '@seams/kernel/testing';

export type HarnessOptions = Omit<KernelHarnessOptions, 'databaseServerUrl'>;

export interface ModuleHarness extends KernelModuleHarness {
  /**
   * HTTP to the module's routes, as in the app: request ids, the bearer-token guard (send
   * `customerBearer(...)` or `adminBearer()` from test/support/auth.ts), validation, problem responses.
   */
  readonly http: TestAgent;
}

/**
 * The kernel's module harness (`@seams/kernel/testing`) on the tests' PostgreSQL server
 * (global-setup.ts), trusting the test token issuer (auth.ts) over `options.env`, with
 * supertest on its HTTP server. Of the host's HTTP edge only the token guard, request ids,
 * validation and problem responses are installed: test/e2e and test/security cover the
 * assembled app.
 */
export async function startModuleHarness(options: HarnessOptions): Promise<ModuleHarness> {
  const server = process.env.SEAMS_TEST_SERVER_URL;
  if (!server) throw new Error('SEAMS_TEST_SERVER_URL is not set; run the tests through jest (npm test)');
  const harness = await startKernelHarness({ ...options, env: { ...testAuthEnv(), ...options.env }, databaseServerUrl: server });
  return Object.assign(harness, { http: request(harness.app.getHttpServer()) });
}

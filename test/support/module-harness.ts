import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { MessageRegistry } from '@seams/kernel/seam';
import {
  type HarnessOptions as KernelHarnessOptions,
  type ModuleHarness as KernelModuleHarness,
  startModuleHarness as startKernelHarness,
} from '@seams/kernel/testing';
import { messagingOptionsFrom, seamOptionsFor } from '../../src/host/config';
import { testAuthEnv } from './auth';

export { eventOf } from '@seams/kernel/testing';
export type { FakeModule, PublishedEvent } from '@seams/kernel/testing';

export interface HarnessOptions extends Omit<KernelHarnessOptions, 'databaseServerUrl' | 'seam' | 'messaging'> {
  /**
   * Settings, as the host reads them (`SEAMS_RELAY_*`, ...), over those that make it trust the
   * test token issuer (test/support/auth.ts); the process's own `SEAMS_*` are never used.
   */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ModuleHarness extends KernelModuleHarness {
  /**
   * HTTP to the module's routes, as in the app: request ids, the bearer-token guard (send
   * `customerBearer(...)` or `adminBearer()` from test/support/auth.ts), validation, problem responses.
   */
  readonly http: TestAgent;
}

/**
 * The kernel's module harness (`@seams/kernel/testing`) on the tests' PostgreSQL server
 * (global-setup.ts), trusting the test token issuer (auth.ts), with the kernel's options read
 * from `options.env` as the host reads them, and supertest on its HTTP server. Of the host's
 * HTTP edge only the token guard, request ids, validation and problem responses are installed:
 * test/e2e and test/security cover the assembled app.
 */
export async function startModuleHarness(options: HarnessOptions): Promise<ModuleHarness> {
  const server = process.env.SEAMS_TEST_SERVER_URL;
  if (!server) throw new Error('SEAMS_TEST_SERVER_URL is not set; run the tests through jest (npm test)');
  const env = { ...testAuthEnv(), ...options.env };
  const registry = new MessageRegistry([...(options.module ? [options.module] : []), ...(options.fakes ?? []).map((fake) => fake.manifest)]);
  const harness = await startKernelHarness({
    ...options,
    seam: seamOptionsFor(registry, env),
    messaging: messagingOptionsFrom(env),
    databaseServerUrl: server,
  });
  return Object.assign(harness, { http: request(harness.app.getHttpServer()) });
}

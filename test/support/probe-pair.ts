import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp, startApp } from '../../src/host/create-app';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';
import { type AppProcess, startAppProcess } from './processes';

/** Three probe modules: alpha and bravo in one process (the monolith), charlie in a module host. */
export const PAIR_SYSTEM: ProbeSystem = { modules: ['alpha', 'bravo', 'charlie'].map((name) => ({ name, subscriptions: [] })) };
const REGISTER = join(__dirname, '..', 'sim', 'register.js');
const HOST = join(__dirname, '..', 'sim', 'probe-host.ts');

export interface ProbePair {
  /** The monolith of the probe system, a real process serving alpha and bravo. */
  readonly monolith: AppProcess;
  /** Charlie's module host, in the test's process: its seam sends to alpha and bravo. */
  readonly charlie: INestApplication;
  close(): Promise<void>;
}

/**
 * Starts the monolith of `PAIR_SYSTEM` as a process (every module address in `env`, charlie
 * remote) and charlie's host in this process, with the same settings.
 */
export async function startProbePair(env: Record<string, string> & { readonly DATABASE_URL: string }): Promise<ProbePair> {
  const settings: Record<string, string> & { DATABASE_URL: string } = { SIM_SYSTEM: JSON.stringify(PAIR_SYSTEM), SIM_SLOW_MS: '1500', SEAMS_LOG_LEVEL: 'warn', ...env };
  const monolith = startAppProcess({ ...settings, PORT: '0', SEAMS_CHARLIE: 'remote' }, {}, ['-r', REGISTER, HOST]);
  let charlie: INestApplication | undefined;
  try {
    await monolith.waitFor(/probe host of monolith ready/, 60_000);
    charlie = await createApp({
      manifests: probeManifests(PAIR_SYSTEM, { slowMs: 1500 }),
      role: { kind: 'module', module: 'charlie' },
      env: settings,
      logger: false,
      database: { url: settings.DATABASE_URL, poolSize: 2 },
    });
    await startApp(charlie, 0, '127.0.0.1');
  } catch (error) {
    await charlie?.close().catch(() => undefined);
    await monolith.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\nmonolith output:\n${monolith.output().slice(-3000)}`, { cause: error });
  }
  const app = charlie;
  return {
    monolith,
    charlie: app,
    async close() {
      await app.close();
      await monolith.stop();
    },
  };
}

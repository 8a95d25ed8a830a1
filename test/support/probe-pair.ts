import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp, startApp } from '../../src/host/create-app';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';
import { testAuthEnv } from './auth';
import { type AppProcess, freePort, startAppProcess } from './processes';

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

export interface HostedProbe {
  /** The monolith of the system, in the test's process: every module but `hosted`. */
  readonly monolith: INestApplication;
  /** `hosted`'s module host, a real process (the latest one `startHost` started). */
  readonly host: AppProcess;
  /** Starts `hosted`'s host again, with the same settings (after the test stopped or killed it). */
  startHost(): Promise<AppProcess>;
  /** The settings both processes share (the hosted module's address among them). */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface HostedProbeOptions {
  /** How long a slow handler takes (SIM_SLOW_MS). */
  readonly slowMs?: number;
  /** Settings of both processes, over the defaults. */
  readonly env?: Record<string, string>;
  /** Settings of the module host only (e.g. SEAMS_LOG_LEVEL=info to wait for its log lines). */
  readonly hostEnv?: Record<string, string>;
}

/**
 * A probe system's monolith in the test's process and one of its modules (`hosted`) in a module
 * host process over TCP, on `databaseUrl`: the two placements of a module side by side, for
 * tests that ask the same of a module in process and across the seam.
 */
export async function startHostedProbe(system: ProbeSystem, hosted: string, databaseUrl: string, slowMsOrOptions: number | HostedProbeOptions = 1000): Promise<HostedProbe> {
  const options = typeof slowMsOrOptions === 'number' ? { slowMs: slowMsOrOptions } : slowMsOrOptions;
  const slowMs = options.slowMs ?? 1000;
  const setting = `SEAMS_${hosted.toUpperCase()}`;
  const env = {
    ...testAuthEnv(),
    DATABASE_URL: databaseUrl,
    SIM_SYSTEM: JSON.stringify(system),
    SIM_SLOW_MS: String(slowMs),
    [setting]: 'remote',
    [`${setting}_URL`]: `tcp://127.0.0.1:${await freePort()}`,
    ...options.env,
  };
  const hostSettings = { ...env, PORT: String(await freePort()), SEAMS_HOST_MODULE: hosted, SEAMS_LOG_LEVEL: 'warn', ...options.hostEnv };
  let host: AppProcess | undefined;
  const startHost = async () => {
    const started = startAppProcess(hostSettings, {}, ['-r', REGISTER, HOST]);
    host = started;
    await started.waitFor(new RegExp(`probe host of ${hosted} ready`), 60_000);
    return started;
  };
  let monolith: INestApplication | undefined;
  try {
    await startHost();
    monolith = await createApp({ manifests: probeManifests(system, { slowMs }), env, logger: false, database: { url: databaseUrl, poolSize: 3 } });
    await startApp(monolith, 0, '127.0.0.1');
  } catch (error) {
    await monolith?.close().catch(() => undefined);
    await host?.stop('SIGKILL');
    throw error;
  }
  const app = monolith;
  return {
    monolith: app,
    get host() {
      return host!;
    },
    startHost,
    env,
    async close() {
      await app.close();
      await host?.stop();
    },
  };
}

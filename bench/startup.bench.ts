import { type AppProcess, startAppProcess } from './app-process';
import { median } from './measure';
import { freePort, type PgServer, type Profile, retryingPortClash, sleep } from './support';

/**
 * Scenario 5, start-up: the time from spawning `node <build>/src/main.js` to its first 200 from
 * `GET /health` (every module's database answering), for the monolith and for a module host
 * (inventory), with the database server already running and the schemas already migrated
 * (the first start of each, which migrates a fresh database, is the warm-up and is reported on
 * its own). Then the process's resident memory after IDLE_MS at rest. Logging is off.
 */
const IDLE_MS = 1500;

export interface StartupRoleResult {
  /** Median time to ready, already migrated. */
  readonly readyMs: number;
  readonly readyMsRuns: readonly number[];
  /** The warm-up start: on a fresh database for the monolith (it migrates every schema). */
  readonly firstStartMs: number;
  /** Median RSS at rest, MiB. */
  readonly idleRssMiB?: number;
}

export interface StartupResult {
  readonly monolith: StartupRoleResult;
  readonly moduleHost: StartupRoleResult;
}

interface Role {
  start(): AppProcess | Promise<AppProcess>;
}

export async function startup(profile: Profile, server: PgServer): Promise<StartupResult> {
  const database = await server.createDatabase('startup');
  try {
    const env = { DATABASE_URL: database.url };
    const inventoryUrl = `tcp://127.0.0.1:${await freePort()}`;
    const roles: Record<keyof StartupResult, Role> = {
      monolith: { start: async () => startAppProcess(env, await freePort()) },
      moduleHost: { start: async () => startAppProcess({ ...env, SEAMS_INVENTORY_URL: inventoryUrl }, await freePort(), ['--module', 'inventory']) },
    };
    const samples: Record<keyof StartupResult, { first: number; ready: number[]; rss: number[] }> = {
      monolith: { first: 0, ready: [], rss: [] },
      moduleHost: { first: 0, ready: [], rss: [] },
    };
    for (let run = 0; run <= profile.runs; run++) {
      for (const name of ['monolith', 'moduleHost'] as const) {
        let app: AppProcess | undefined;
        try {
          // A start that lost its port to another process is not measured; it is started again.
          const ms = await retryingPortClash(async () => {
            app = await roles[name].start();
            try {
              return await app.ready();
            } catch (error) {
              await app.stop();
              throw error;
            }
          });
          if (run === 0) {
            samples[name].first = ms;
            continue;
          }
          samples[name].ready.push(ms);
          await sleep(profile.smoke ? 200 : IDLE_MS);
          const rss = app!.rssMiB();
          if (rss !== undefined) samples[name].rss.push(rss);
        } finally {
          await app?.stop();
        }
      }
    }
    const result = (name: keyof StartupResult): StartupRoleResult => ({
      readyMs: median(samples[name].ready),
      readyMsRuns: samples[name].ready,
      firstStartMs: samples[name].first,
      idleRssMiB: samples[name].rss.length ? median(samples[name].rss) : undefined,
    });
    return { monolith: result('monolith'), moduleHost: result('moduleHost') };
  } finally {
    await database.drop().catch(() => undefined);
  }
}

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp, startApp } from '../../src/host/create-app';
import { Metrics } from '@seams/kernel/observability';
import { Seam } from '@seams/kernel/seam';
import { adminBearer, testAuthEnv } from '../support/auth';
import { BROKERS, deleteQueues } from '../support/cluster';
import { type AppProcess, freePort, startAppProcess } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { probeManifests, type ProbeSystem } from './probe-system';
import type { Placement, Step } from './scenario';
import type { Answer } from './send-step';

/** The seam's deadline in a simulation, and how long a slow command takes (longer). */
export const SIM_TIMEOUT_MS = 1000;
export const SIM_SLOW_MS = 1500;

/**
 * Relay settings that let a run finish in seconds: quick retries, few attempts before a
 * delivery is parked, a short lease (a killed host's claims come free soon).
 */
const RELAY = {
  SEAMS_RELAY_POLL_MS: '200',
  SEAMS_RELAY_BACKOFF_MS: '20',
  SEAMS_RELAY_MAX_BACKOFF_MS: '200',
  SEAMS_RELAY_MAX_ATTEMPTS: '6',
  SEAMS_RELAY_LEASE_MS: '5000',
  SEAMS_TIMEOUT_MS: String(SIM_TIMEOUT_MS),
  // A host killed on purpose must not keep the others' breakers open past the run.
  SEAMS_BREAKER_HALF_OPEN_MS: '300',
};

/** What a step sent from a host gets when that host could not be asked (killed, or on its way back). */
export const SENDER_DOWN = 'sim.sender-down';

/** How long the run waits for a host's HTTP answer (metrics, an operator's retry): a hung host fails the run, it does not hang it. */
const HTTP_TIMEOUT_MS = 10_000;

const REGISTER = join(__dirname, 'register.js');
const HOST = join(__dirname, 'probe-host.ts');

export interface ProbeCluster {
  readonly database: TestDatabase;
  readonly monolith: INestApplication;
  readonly seam: Seam;
  /** The processes that ran each module's host and were never killed (their counters are whole). */
  readonly intact: Set<string>;
  /** SIGKILLs `module`'s host, and starts it again `downMs` later. */
  kill(module: string, downMs?: number): Promise<void>;
  /** Each process's `seams_events_handled_total`, by module and message, for modules whose process was never killed. */
  handledCounts(): Promise<Map<string, number>>;
  /** Asks the process that owns `publisher`'s outbox to retry a parked delivery, as an operator would. */
  retry(publisher: string, deliveryId: string): Promise<number>;
  /** Has the host of remote module `module` send `step` through its own seam (see probe-host.ts). */
  sendFrom(module: string, step: Step): Promise<Answer>;
  /** Output of the host processes (for a failure's report). */
  output(): string;
  close(): Promise<void>;
}

/** A probe system in one placement: the monolith in this process, each remote module in a host process of its own. */
export async function startProbeCluster(system: ProbeSystem, placement: Placement): Promise<ProbeCluster> {
  const database = await createTestDatabase();
  const namespace = `sim${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    SEAMS_NAMESPACE: namespace,
    SIM_SYSTEM: JSON.stringify(system),
    SIM_SLOW_MS: String(SIM_SLOW_MS),
    SEAMS_LOG_LEVEL: 'warn',
    ...testAuthEnv(),
    ...RELAY,
  };
  const names = system.modules.map((m) => m.name);
  const monolithUrl = `tcp://127.0.0.1:${await freePort()}`;
  const ports = new Map<string, number>();
  for (const module of names) {
    const remote = placement.remote.includes(module);
    if (remote) ports.set(module, await freePort());
    env[`SEAMS_${module.toUpperCase()}_URL`] =
      placement.transport !== 'tcp' ? BROKERS[placement.transport] : remote ? `tcp://127.0.0.1:${await freePort()}` : monolithUrl;
  }
  const hosts = new Map<string, AppProcess>();
  const intact = new Set(names);
  let log = '';
  const startHost = async (module: string) => {
    const host = startAppProcess({ ...env, PORT: String(ports.get(module)), SEAMS_HOST_MODULE: module }, {}, ['-r', REGISTER, HOST]);
    hosts.set(module, host);
    await host.waitFor(/probe host of \S+ ready/, 60_000);
  };
  let monolith: INestApplication | undefined;
  try {
    await Promise.all(placement.remote.map(startHost));
    const monolithEnv = { ...env };
    for (const module of placement.remote) monolithEnv[`SEAMS_${module.toUpperCase()}`] = 'remote';
    monolith = await createApp({
      manifests: probeManifests(system, { slowMs: SIM_SLOW_MS }),
      env: monolithEnv,
      logger: false,
      database: { url: database.url, poolSize: 6 },
    });
    await startApp(monolith, 0, '127.0.0.1');
  } catch (error) {
    await Promise.all([...hosts.values()].map((host) => host.stop('SIGKILL')));
    await monolith?.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const app = monolith;
  const httpOf = (module: string) =>
    hosts.has(module) ? request(`http://127.0.0.1:${ports.get(module)}`) : request(app.getHttpServer());
  return {
    database,
    monolith: app,
    seam: app.get(Seam),
    intact,
    async kill(module, downMs = 0) {
      const host = hosts.get(module)!;
      intact.delete(module);
      const started = Date.now();
      await host.stop('SIGKILL');
      log += host.output();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await startHost(module);
      process.stdout.write(`simulation: ${module}'s host killed and back in ${Date.now() - started} ms\n`);
    },
    async handledCounts() {
      const counts = new Map<string, number>();
      const read = (text: string, modules: string[]) => {
        for (const match of text.matchAll(/^seams_events_handled_total\{module="([^"]+)",message="([^"]+)"\} (\d+)/gm)) {
          if (modules.includes(match[1]) && intact.has(match[1])) counts.set(`${match[1]} ${match[2]}`, Number(match[3]));
        }
      };
      read(await app.get(Metrics).scrape(), names.filter((m) => !placement.remote.includes(m)));
      for (const module of placement.remote) read((await httpOf(module).get('/metrics').timeout(HTTP_TIMEOUT_MS)).text, [module]);
      return counts;
    },
    async retry(publisher, deliveryId) {
      const response = await httpOf(publisher).post(`/v1/admin/events/${deliveryId}/retry`).set('authorization', adminBearer()).timeout(HTTP_TIMEOUT_MS);
      return response.status;
    },
    async sendFrom(module, step) {
      let response: request.Response;
      try {
        response = await httpOf(module).post('/sim/send').send(step).timeout(HTTP_TIMEOUT_MS);
      } catch (error) {
        // The sending host is down (killed by the scenario): the message may not have left it.
        return { ok: false, code: SENDER_DOWN, issues: (error as Error).message };
      }
      if (response.status !== 200) return { ok: false, code: `untyped: the host of ${module} answered ${response.status} ${response.text}` };
      return response.body as Answer;
    },
    output: () => log + [...hosts.values()].map((host) => host.output()).join('\n'),
    async close() {
      await app.close();
      await Promise.all([...hosts.values()].map((host) => host.stop()));
      if (placement.transport === 'amqp') await deleteQueues(namespace, names);
      await database.drop();
    },
  };
}

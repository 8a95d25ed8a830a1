import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp, startApp } from '../../src/host/create-app';
import { MANIFESTS } from '../../src/host/manifests';
import { adminBearer, testAuthEnv } from './auth';
import { type AppProcess, freePort, PROBE_MAIN, startAppProcess } from './processes';
import { createTestDatabase, type TestDatabase } from './test-database';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

export type TransportKind = 'tcp' | 'nats' | 'amqp';

export const BROKERS = { nats: 'nats://127.0.0.1:4222', amqp: 'amqp://guest:guest@127.0.0.1:5672' } as const;
/** Every registered module (src/host/manifests.ts): each gets an address, so any of them can be placed remote. */
const MODULES = MANIFESTS.map((manifest) => manifest.name);

export interface ClusterOptions {
  /** Modules that run as their own module host processes. */
  readonly remote: readonly string[];
  readonly transport?: TransportKind;
  /** Extra settings for every process. */
  readonly env?: Record<string, string>;
  /** Extra settings for the monolith only. */
  readonly monolithEnv?: Record<string, string>;
  /** Give the monolith each host's HTTP address (`SEAMS_<MODULE>_HTTP_URL`), so it forwards their routes. */
  readonly strangle?: boolean;
  /** The broker every process uses instead of the shared one (a test's own server, or a proxy in front of it). */
  readonly broker?: string;
  /** The address the monolith is given for a remote module, from the host's own (e.g. a fault proxy in front of it). */
  readonly monolithUrlOf?: (module: string, url: string) => string;
  /** The build a module's host runs (another release's `dist/src/main.js`, see releases.ts); this checkout's by default. */
  readonly hostBuild?: (module: string) => { readonly main: string; readonly dir: string } | undefined;
  /**
   * The kernel's probe modules instead of the app's (test/sim/probe-system.ts): the monolith runs
   * their manifests, each host the app's own start on them (test/sim/probe-main.ts).
   */
  readonly system?: ProbeSystem;
}

export interface Cluster {
  readonly monolith: INestApplication;
  readonly database: TestDatabase;
  /** The settings every process of this cluster was started with. */
  readonly env: Record<string, string>;
  /** HTTP to the process that serves `module`'s routes (the monolith or that module's host). */
  http(module: string): TestAgent;
  host(module: string): AppProcess & { readonly port: number };
  /** Starts (again) the host of `module`, on the same ports. */
  startHost(module: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The monolith in this process plus one real module host process per remote module, all on
 * one fresh database and talking over a real transport: TCP on loopback ports, or the local
 * NATS or RabbitMQ server (with a namespace of its own, so parallel runs never meet).
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const transport = options.transport ?? 'tcp';
  const database = await createTestDatabase();
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = { DATABASE_URL: database.url, SEAMS_NAMESPACE: namespace, ...testAuthEnv(), ...options.env };
  const broker = transport === 'tcp' ? undefined : (options.broker ?? BROKERS[transport]);
  const monolithUrl = broker ?? `tcp://127.0.0.1:${await freePort()}`;
  const modules = options.system ? options.system.modules.map((spec) => spec.name) : MODULES;
  if (options.system) env.SIM_SYSTEM = JSON.stringify(options.system);
  for (const module of modules) {
    const url = broker ? broker : options.remote.includes(module) ? `tcp://127.0.0.1:${await freePort()}` : monolithUrl;
    env[`SEAMS_${module.toUpperCase()}_URL`] = url;
  }

  const hosts = new Map<string, AppProcess & { port: number }>();
  const ports = new Map<string, number>();
  const startHost = async (module: string) => {
    const port = ports.get(module) ?? (await freePort());
    ports.set(module, port);
    const build = options.hostBuild?.(module);
    const args = build ? [build.main] : options.system ? PROBE_MAIN : undefined;
    const host = Object.assign(startAppProcess({ ...env, PORT: String(port), SEAMS_HOST_MODULE: module }, build ? { cwd: build.dir } : {}, args), { port });
    hosts.set(module, host);
    await host.waitFor(/API at http/, 60_000);
  };
  let monolith: INestApplication | undefined;
  try {
    await Promise.all(options.remote.map(startHost));
    const monolithEnv = { ...env, ...options.monolithEnv };
    for (const module of options.remote) {
      monolithEnv[`SEAMS_${module.toUpperCase()}`] = 'remote';
      if (options.monolithUrlOf) monolithEnv[`SEAMS_${module.toUpperCase()}_URL`] = options.monolithUrlOf(module, env[`SEAMS_${module.toUpperCase()}_URL`]);
      if (options.strangle) monolithEnv[`SEAMS_${module.toUpperCase()}_HTTP_URL`] = `http://127.0.0.1:${ports.get(module)}`;
    }
    const manifests = options.system ? probeManifests(options.system, { slowMs: Number(env.SIM_SLOW_MS ?? 1000) }) : undefined;
    monolith = await createApp({ manifests, database: { url: database.url, poolSize: 4 }, env: monolithEnv, logger: false });
    await startApp(monolith, 0, '127.0.0.1');
  } catch (error) {
    await Promise.all([...hosts.values()].map((host) => host.stop()));
    await monolith?.close();
    await database.drop();
    throw error;
  }
  const app = monolith;
  const admin = adminBearer();
  const monolithHttp = request.agent(app.getHttpServer()).set('authorization', admin);

  return {
    monolith: app,
    database,
    env,
    http: (module) => (hosts.has(module) ? request.agent(`http://127.0.0.1:${hosts.get(module)!.port}`).set('authorization', admin) : monolithHttp),
    host: (module) => {
      const host = hosts.get(module);
      if (!host) throw new Error(`${module} has no host in this cluster`);
      return host;
    },
    startHost,
    async close() {
      await app.close();
      await Promise.all([...hosts.values()].map((host) => host.stop()));
      if (transport === 'amqp') await deleteQueues(namespace, modules);
      await database.drop();
    },
  };
}

/** RabbitMQ keeps durable queues; a test's namespaced ones are removed when it ends. */
export async function deleteQueues(namespace: string, modules: readonly string[] = MODULES): Promise<void> {
  const { connect } = await import('amqplib');
  const connection = await connect(BROKERS.amqp);
  try {
    const channel = await connection.createChannel();
    for (const module of modules) await channel.deleteQueue(`seams.${namespace}.${module}`);
    await channel.close();
  } finally {
    await connection.close();
  }
}

import { MessageRegistry, type ModuleManifest, type Role } from '@seams/kernel/seam';
import { readSettings, topologyFrom } from '../../src/host/config';

export type Transport = 'tcp' | 'nats' | 'amqp';

/** What the generator is asked for (`npm run deploy:k8s -- …`). */
export interface DeployRequest {
  readonly remote: readonly string[];
  readonly replicas: Readonly<Record<string, number>>;
  readonly transport: Transport;
  readonly image: string;
}

/** One Deployment: the monolith, or the host of one extracted module. */
export interface Process {
  /** `monolith`, or the module's name: the Deployment's, the Services' and the ConfigMap's name. */
  readonly name: string;
  readonly role: Role;
  /** The modules it runs. */
  readonly modules: readonly string[];
  readonly replicas: number;
  /** Its `SEAMS_*` settings, as every process reads them (placement, addresses, listen addresses). */
  readonly settings: Readonly<Record<string, string>>;
  /** The processes that send to its modules or deliver events to them: the only ones its seam port admits. */
  readonly callers: readonly string[];
}

export const SEAM_PORT = 4010;
export const HTTP_PORT = 3000;

/** The broker addresses in the cluster (Services the team runs; the credentials of RabbitMQ's come from a Secret). */
export const BROKER_URLS: Record<Exclude<Transport, 'tcp'>, string> = { nats: 'nats://nats:4222', amqp: 'amqp://rabbitmq:5672' };

const upper = (module: string) => module.toUpperCase();

/**
 * The processes of a placement and the settings each reads, checked the way the processes
 * check them at start: every module address a process needs is there (the kernel's Topology
 * refuses otherwise, naming the setting), every name given is a module.
 */
export function placementOf(manifests: readonly ModuleManifest[], request: DeployRequest): Process[] {
  const modules = manifests.map((manifest) => manifest.name);
  const unknown = [...request.remote, ...Object.keys(request.replicas).filter((name) => name !== 'monolith')].filter((name) => !modules.includes(name));
  if (unknown.length > 0) throw new Error(`no module named ${[...new Set(unknown)].join(', ')}; the modules are ${modules.join(', ')}`);
  for (const [name, count] of Object.entries(request.replicas)) {
    if (!Number.isInteger(count) || count < 1 || count > 100) throw new Error(`--replicas ${name}=${count}: a replica count is a whole number from 1 to 100`);
    if (name !== 'monolith' && !request.remote.includes(name)) throw new Error(`--replicas ${name}=${count}: ${name} runs in the monolith; extract it with --remote ${name}, or scale the monolith (--replicas monolith=N)`);
  }
  const local = modules.filter((module) => !request.remote.includes(module));
  if (local.length === 0) throw new Error('--remote names every module: the monolith would run none (keep at least one in it)');
  const registry = new MessageRegistry(manifests);
  const processOf = (module: string) => (request.remote.includes(module) ? module : 'monolith');

  // Every module gets an address, as every process of the split shop does: a TCP module at its
  // process's headless Service (all of its pods), or the broker.
  const shared: Record<string, string> = {};
  for (const module of modules) {
    shared[`SEAMS_${upper(module)}_URL`] = request.transport === 'tcp' ? `tcp://${processOf(module)}-seam:${SEAM_PORT}` : BROKER_URLS[request.transport];
  }
  const processes: { name: string; role: Role; modules: string[] }[] = [
    { name: 'monolith', role: { kind: 'monolith' }, modules: local },
    ...request.remote.map((module) => ({ name: module, role: { kind: 'module', module } as Role, modules: [module] })),
  ];
  return processes.map(({ name, role, modules: own }) => {
    const settings: Record<string, string> = { ...shared };
    if (role.kind === 'monolith') for (const module of request.remote) settings[`SEAMS_${upper(module)}`] = 'remote';
    else settings.SEAMS_HOST_MODULE = role.module;
    if (request.transport === 'tcp') for (const module of own) settings[`SEAMS_${upper(module)}_LISTEN`] = `tcp://0.0.0.0:${SEAM_PORT}`;
    // The same checks the process makes at start: a placement that cannot work fails here, naming the setting.
    const env = request.transport === 'amqp' ? { ...settings, ...Object.fromEntries(modules.map((m) => [`SEAMS_${upper(m)}_URL`, 'amqp://user:pass@rabbitmq:5672'])) } : settings;
    readSettings(env, modules, manifests);
    topologyFrom(registry, role, env);
    const callers = new Set<string>();
    for (const manifest of manifests) {
      const from = processOf(manifest.name);
      if (from === name) continue;
      const sendsHere = manifest.sends.some((message) => own.includes(message.wire.split('.')[0]));
      const publishesHere = manifest.contract.some((event) => own.some((module) => registry.subscribersOf(event.wire).includes(module)));
      if (sendsHere || publishesHere) callers.add(from);
    }
    return { name, role, modules: own, replicas: request.replicas[name] ?? 1, settings, callers: [...callers].sort() };
  });
}

/** An image reference the cluster can pin: a tag other than `latest`, or a digest. */
export function checkImage(image: string): string {
  const digest = /@sha256:[0-9a-f]{64}$/.test(image);
  const tag = /:([\w][\w.-]{0,127})$/.exec(image.replace(/@.*$/, ''))?.[1];
  const lastPart = image.split('/').pop() ?? '';
  if (!digest && (!lastPart.includes(':') || tag === undefined)) throw new Error(`--image ${image} has no tag or digest: name a release (seams:0.1.0) or a digest (seams@sha256:…)`);
  if (!digest && tag === 'latest') throw new Error(`--image ${image}: "latest" moves; name a release tag or a digest, so a rollout and a rollback know what they run`);
  return image;
}


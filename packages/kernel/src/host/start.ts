import type { INestApplication } from '@nestjs/common';
import { Lifecycle } from '../context';
import { type BrokerOptions, checkBrokerOptions, groupServers, serverOptions, type TlsFiles, Topology } from '../seam';

/**
 * Connects a seam listener for each group of modules this process serves (a module host, or a
 * monolith that also serves some modules to others), at the addresses of the topology, with
 * mutual TLS when `tls` is given (the same files as the seam's options), and the broker options
 * (TLS, NATS authentication) on NATS and RabbitMQ. Start them with `startApp`.
 */
export function connectSeamServers(app: INestApplication, options: { readonly tls?: TlsFiles; readonly broker?: BrokerOptions } = {}): void {
  const topology = app.get(Topology);
  const tls = options.tls;
  checkBrokerOptions(options.broker, [...topology.served, ...topology.remote].map(({ url }) => url));
  for (const group of groupServers(topology.served)) {
    app.connectMicroservice(serverOptions(group.modules, group.url, tls, topology.namespace, options.broker));
  }
}

/**
 * Starts the seam listeners (if this process serves any module) and the HTTP server, once the
 * application has bootstrapped: the command and query buses register their handlers then, and
 * a seam listener started earlier would take messages nobody could handle yet.
 */
export async function startApp(app: INestApplication, port: number, host?: string): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  await app.listen(port, host as string);
  // Ready: readiness answers 200 from now on, and background work (the relay, recovery jobs) starts.
  lifecycleOf(app)?.markReady();
}

/**
 * The app's Lifecycle, if it runs the kernel's host module. Looked up in Nest's module
 * container: `app.get` of a provider the app lacks ends the process when the app was created
 * with `abortOnError` (Nest's default).
 */
function lifecycleOf(app: INestApplication): Lifecycle | undefined {
  type Modules = Map<string, { providers: Map<unknown, { instance: unknown }> }>;
  const container = (app as unknown as { container?: { getModules(): Modules } }).container;
  for (const module of container?.getModules().values() ?? []) {
    const instance = module.providers.get(Lifecycle)?.instance;
    if (instance instanceof Lifecycle) return instance;
  }
  return undefined;
}

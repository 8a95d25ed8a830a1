import type { MessageRegistry } from './manifest';
import { addressesOf, URL_EXAMPLE } from './transport';

export { URL_EXAMPLE };

/** Which modules this process runs, and where the others are. */
export type Role = { readonly kind: 'monolith' } | { readonly kind: 'module'; readonly module: string };


/** How a module is placed from a process's point of view. */
export type Placement = 'local' | 'remote' | 'shadow';

/** Which option (or setting) a message should name: a module's placement or its address. */
export type PlacementField = 'placement' | 'url' | 'listen';

/**
 * The placement of every module, as typed options (the host builds them from its settings):
 *   modules.<module>.placement  local (default), remote or shadow; ignored by a module host.
 *                               `shadow` runs the module here AND asks its queries, in
 *                               parallel, of the implementation at its url, to compare
 *                               (parallel run); commands and events stay here
 *   modules.<module>.url        where the module is served (tcp://, nats://, amqp://): one address,
 *                               a comma-separated list (its replicas over TCP, a broker's
 *                               servers), or a host name that resolves to several
 *   modules.<module>.listen     where a process that runs the module listens for it (default:
 *                               its url, when that is one address); e.g. tcp://0.0.0.0:4010
 *   namespace                   keeps deployments that share a broker apart
 *   settingName                 how refusals name a module's option; the host passes the names
 *                               of its own settings (default `modules.<module>.placement|url`)
 */
export interface TopologyOptions {
  readonly modules?: Readonly<Record<string, { readonly placement?: Placement; readonly url?: string; readonly listen?: string } | undefined>>;
  readonly namespace?: string;
  readonly settingName?: (module: string, field: PlacementField) => string;
}

const optionName = (module: string, field: PlacementField) => `modules.${module}.${field}`;
const PLACEMENTS: readonly string[] = ['local', 'remote', 'shadow'];

/**
 * Which modules this process runs, and where the others are. In the monolith every module
 * runs here unless it is placed remote. A module host runs its one module and treats every
 * other module as remote. A process listens at the address of each module it runs that has
 * one, so modules elsewhere can reach it.
 *
 * `create` refuses a placement that cannot work and names the missing option (or setting).
 */
export class Topology {
  private constructor(
    readonly role: Role,
    /** Keeps deployments that share a broker apart. */
    readonly namespace: string | undefined,
    private readonly local: ReadonlySet<string>,
    private readonly urls: ReadonlyMap<string, string>,
    private readonly listens: ReadonlyMap<string, string>,
    private readonly shadows: ReadonlySet<string>,
    /** How messages name a module's placement or address option (the host's setting names). */
    readonly settingName: (module: string, field: PlacementField) => string,
  ) {}

  static create(registry: MessageRegistry, role: Role, options: TopologyOptions = {}): Topology {
    const setting = options.settingName ?? optionName;
    const modules = registry.manifests.map((m) => m.name);
    if (role.kind === 'module' && !modules.includes(role.module)) {
      throw new Error(`There is no module "${role.module}"; the modules are ${modules.join(', ')}`);
    }
    const unknown = Object.keys(options.modules ?? {}).filter((module) => !modules.includes(module));
    if (unknown.length > 0) throw new Error(`Placement options for unknown modules: ${unknown.join(', ')}; the modules are ${modules.join(', ')}`);
    const local = new Set<string>();
    const shadows = new Set<string>();
    const urls = new Map<string, string>();
    const listens = new Map<string, string>();
    const address = (module: string, field: PlacementField, value: string) => {
      try {
        return addressesOf(value);
      } catch (error) {
        throw new Error(`${setting(module, field)}: ${(error as Error).message}`, { cause: error });
      }
    };
    for (const module of modules) {
      const own = options.modules?.[module];
      const url = own?.url?.trim();
      if (url) urls.set(module, address(module, 'url', url).join(','));
      const listen = own?.listen?.trim();
      if (listen) {
        const list = address(module, 'listen', listen);
        if (list.length > 1) throw new Error(`${setting(module, 'listen')} must be one address (where this process listens), not "${listen}"`);
        listens.set(module, list[0]);
      }
      const mode = own?.placement ?? 'local';
      if (!PLACEMENTS.includes(mode)) {
        throw new Error(`${setting(module, 'placement')} must be "local", "remote" or "shadow", not "${String(mode)}"`);
      }
      const runsHere = role.kind === 'module' ? module === role.module : mode !== 'remote';
      if (runsHere) local.add(module);
      if (role.kind === 'monolith' && mode === 'shadow') {
        if (!url) throw new Error(`${setting(module, 'placement')}=shadow needs ${setting(module, 'url')}: the implementation to compare with`);
        shadows.add(module);
      }
    }
    const namespace = options.namespace?.trim() || undefined;
    if (namespace !== undefined && !/^[a-z0-9][a-z0-9-]{0,39}$/.test(namespace)) {
      throw new Error(`namespace must be 1-40 lower-case letters, digits or dashes, not "${namespace}"`);
    }
    const topology = new Topology(role, namespace, local, urls, listens, shadows, setting);
    topology.check(registry);
    return topology;
  }

  isLocal(module: string): boolean {
    return this.local.has(module);
  }

  urlOf(module: string): string | undefined {
    return this.urls.get(module);
  }

  get localModules(): string[] {
    return [...this.local];
  }

  /** Whether `module` runs here in shadow mode (its queries are also asked of its address, to compare). */
  isShadow(module: string): boolean {
    return this.shadows.has(module);
  }

  /**
   * Local modules with an address: this process serves their messages there (not shadowed
   * ones: the address is the other implementation's). Over TCP it listens at the module's
   * `listen` address, or its url when that is one address; a broker's url is where it subscribes.
   */
  get served(): { module: string; url: string }[] {
    return this.localModules.filter((m) => this.urls.has(m) && !this.shadows.has(m)).map((module) => ({ module, url: this.listenOf(module) }));
  }

  private listenOf(module: string): string {
    const url = this.urls.get(module)!;
    return url.startsWith('tcp:') ? (this.listens.get(module) ?? url) : url;
  }

  /** Modules this process sends messages to in another process, with their addresses: the remote ones and the shadowed ones. */
  get remote(): { module: string; url: string }[] {
    return [...this.urls].filter(([module]) => !this.local.has(module) || this.shadows.has(module)).map(([module, url]) => ({ module, url }));
  }

  /**
   * The remote modules whose commands or queries a module of this process sends: without them
   * some requests here cannot be answered, so readiness depends on them. (A remote subscriber
   * being down only delays events; the outbox keeps them.)
   */
  requiredRemotes(registry: MessageRegistry): string[] {
    const required = new Set<string>();
    for (const manifest of registry.manifests) {
      if (!this.local.has(manifest.name)) continue;
      for (const message of manifest.sends) {
        const target = message.wire.split('.')[0];
        if (!this.local.has(target)) required.add(target);
      }
    }
    return [...required].sort();
  }

  describe(): string {
    const remote = this.remote.filter(({ module }) => !this.shadows.has(module)).map(({ module, url }) => `${module} at ${url}`);
    const served = this.served.map(({ module, url }) => `${module} on ${url}`);
    const shadowed = [...this.shadows].map((module) => `${module} compared with ${this.urls.get(module)}`);
    return [
      this.role.kind === 'monolith' ? 'monolith' : `module host of ${this.role.module}`,
      `local: ${this.localModules.join(', ') || 'none'}`,
      `remote: ${remote.join(', ') || 'none'}`,
      `serving: ${served.join(', ') || 'none'}`,
      ...(shadowed.length > 0 ? [`shadow: ${shadowed.join(', ')}`] : []),
    ].join('; ');
  }

  /** Every route a message may take from or to this process must have an address. */
  private check(registry: MessageRegistry): void {
    // Each missing address once, with the first reason it is needed (one address can be
    // needed by every message that crosses to its module).
    const missing = new Map<string, string>();
    const setting = this.settingName;
    const need = (module: string, why: string) => {
      const name = setting(module, 'url');
      if (!this.urls.has(module) && !missing.has(name)) missing.set(name, why);
    };
    if (this.role.kind === 'module') need(this.role.module, `the ${this.role.module} host listens there`);
    const severalWithoutListen = this.localModules.filter((m) => {
      const url = this.urls.get(m);
      return url !== undefined && !this.shadows.has(m) && url.startsWith('tcp:') && url.includes(',') && !this.listens.has(m);
    });
    for (const module of severalWithoutListen) {
      missing.set(setting(module, 'listen'), `${setting(module, 'url')} lists several replicas; say which address this process listens at, e.g. tcp://0.0.0.0:4010`);
    }
    for (const manifest of registry.manifests) {
      if (!this.local.has(manifest.name)) {
        if (this.role.kind === 'monolith') need(manifest.name, `${setting(manifest.name, 'placement')}=remote`);
        continue;
      }
      for (const message of manifest.sends) {
        const target = message.wire.split('.')[0];
        if (!this.local.has(target)) need(target, `${manifest.name} sends ${message.wire}`);
      }
      for (const event of manifest.contract) {
        for (const subscriber of registry.subscribersOf(event.wire)) {
          if (!this.local.has(subscriber)) need(subscriber, `${subscriber} subscribes to ${event.wire}`);
        }
      }
      // A remote module that sends to, or publishes to, a module here must be able to reach it.
      for (const other of registry.manifests) {
        if (this.local.has(other.name) || this.role.kind === 'module') continue;
        if (other.sends.some((message) => message.wire.startsWith(`${manifest.name}.`))) {
          need(manifest.name, `the remote ${other.name} sends to ${manifest.name}`);
        }
        if (other.contract.some((event) => manifest.subscribes.includes(event))) {
          need(manifest.name, `the remote ${other.name} publishes events ${manifest.name} subscribes to`);
        }
      }
    }
    if (missing.size > 0) {
      const unique = [...missing].map(([name, why]) => `${name} (${why})`);
      throw new Error(
        `Cannot start as ${this.role.kind === 'monolith' ? 'the monolith' : `the ${this.role.module} host`}: ` +
          `missing ${unique.join('; ')}. Addresses look like ${URL_EXAMPLE}.`,
      );
    }
  }
}

import { kindOf, type MessageKind, parseWireName } from '@seams/kernel/primitives';
import type { MessageRegistry, Role, Topology } from '@seams/kernel/seam';

/** What the registry and the topology say about the modules, in the order of the manifests. */
export interface ArchitectureModel {
  readonly modules: readonly ModuleView[];
  /** Commands and queries a module sends to another (manifest `sends`). */
  readonly requests: readonly { from: string; to: string; wire: string; kind: MessageKind }[];
  /** An event of one module, delivered to a subscribing module (manifest `subscribes`). */
  readonly deliveries: readonly { publisher: string; subscriber: string; wire: string }[];
  readonly placement: Placement;
}

export interface ModuleView {
  readonly name: string;
  /** HTTP path prefixes its controllers serve (`routes` in the manifest). */
  readonly routes: readonly string[];
  readonly messages: readonly { wire: string; kind: MessageKind; className: string }[];
}

export interface Placement {
  readonly role: Role;
  /** `Topology.describe()`: the line the app prints at start-up. */
  readonly summary: string;
  readonly local: readonly string[];
  readonly remote: readonly { module: string; url: string | undefined }[];
  /** Local modules in shadow mode (`SEAMS_<MODULE>=shadow`): their queries are also asked of the implementation at `url`, to compare. */
  readonly shadow: readonly { module: string; url: string | undefined }[];
}

/**
 * The model of the modules in `registry`, placed by `topology`. Messages are ordered by wire
 * name: the order of a contract's exports depends on the compiler (tsc keeps it, SWC sorts).
 */
export function architectureOf(registry: MessageRegistry, topology: Topology): ArchitectureModel {
  const manifests = registry.manifests;
  const names = manifests.map((manifest) => manifest.name);
  const byWire = <T extends { wire: string }>(messages: readonly T[]) => [...messages].sort((a, b) => (a.wire < b.wire ? -1 : a.wire > b.wire ? 1 : 0));
  return {
    modules: manifests.map((manifest) => ({
      name: manifest.name,
      routes: manifest.routes,
      messages: byWire(manifest.contract).map((message) => ({
        wire: message.wire,
        kind: kindOf(message),
        className: (message as unknown as { name: string }).name,
      })),
    })),
    requests: manifests.flatMap((manifest) =>
      byWire(manifest.sends).map((message) => ({
        from: manifest.name,
        to: parseWireName(message.wire).module,
        wire: message.wire,
        kind: kindOf(message),
      })),
    ),
    deliveries: manifests.flatMap((manifest) =>
      byWire(manifest.contract)
        .filter((message) => kindOf(message) === 'event')
        .flatMap((event) =>
          registry
            .subscribersOf(event.wire)
            .sort((a, b) => names.indexOf(a) - names.indexOf(b))
            .map((subscriber) => ({ publisher: manifest.name, subscriber, wire: event.wire })),
        ),
    ),
    placement: {
      role: topology.role,
      summary: topology.describe(),
      local: names.filter((name) => topology.isLocal(name)),
      remote: names.filter((name) => !topology.isLocal(name)).map((module) => ({ module, url: topology.urlOf(module) })),
      shadow: names.filter((name) => topology.isShadow(name)).map((module) => ({ module, url: topology.urlOf(module) })),
    },
  };
}

import type { Type } from '@nestjs/common';
import { isMessageClass, kindOf, type MessageClass, parseWireName, toJsonSchema } from '../primitives';
import type { ModuleSettings } from './module-settings';

/**
 * What the host needs to know about a module without loading it: the messages of its
 * contract (commands and queries it serves, events it publishes), the events of others it
 * subscribes to, the commands and queries of others it sends, and how to load its Nest
 * module when it runs in this process. A module is loaded only where it runs locally.
 */
export interface ModuleManifest {
  readonly name: string;
  readonly contract: readonly MessageClass[];
  readonly subscribes: readonly MessageClass[];
  readonly sends: readonly MessageClass[];
  /** The HTTP path prefixes the module's controllers serve (e.g. `/v1/notes`). */
  readonly routes: readonly string[];
  /** The module's own settings (`defineSettings`), read by the host, provided under their token. */
  readonly settings?: ModuleSettings;
  load(): Promise<Type<unknown>>;
}

export interface ManifestInput {
  readonly name: string;
  /** Everything the contract folder exports; non-message exports are ignored. */
  readonly contract: Readonly<Record<string, unknown>>;
  readonly subscribes?: readonly MessageClass[];
  readonly sends?: readonly MessageClass[];
  /** The HTTP path prefixes its controllers serve, so a monolith can forward them to the module's host. */
  readonly routes?: readonly string[];
  /** The module's own settings (`defineSettings(name, {...})`): the host reads them, never the module. */
  readonly settings?: ModuleSettings;
  load(): Promise<Type<unknown>>;
}

/** Declares a module, checking that its contract and dependencies are consistent. */
export function defineModule(input: ManifestInput): ModuleManifest {
  const contract = Object.values(input.contract).filter(isMessageClass);
  const subscribes = input.subscribes ?? [];
  const sends = input.sends ?? [];
  const problem = (message: string) => new Error(`Module ${input.name}: ${message}`);
  for (const message of contract) {
    if (parseWireName(message.wire).module !== input.name) {
      throw problem(`its contract exports ${message.wire}, which names another module`);
    }
  }
  for (const message of contract) {
    if (message.idempotencyKey === undefined) continue;
    const required = (toJsonSchema(message.schema) as { required?: string[] }).required ?? [];
    if (kindOf(message) !== 'command') throw problem(`${message.wire} declares an idempotency key, but only commands have one`);
    if (!required.includes(message.idempotencyKey)) {
      throw problem(`${message.wire} names "${message.idempotencyKey}" as its idempotency key, which is not a required field of its payload`);
    }
  }
  for (const event of subscribes) {
    if (kindOf(event) !== 'event') throw problem(`subscribes to ${event.wire}, which is not an event`);
    if (parseWireName(event.wire).module === input.name) throw problem(`subscribes to its own event ${event.wire}`);
  }
  for (const message of sends) {
    if (kindOf(message) === 'event') throw problem(`sends ${message.wire}, which is an event (events are published)`);
    if (parseWireName(message.wire).module === input.name) throw problem(`sends its own ${message.wire} through the seam`);
  }
  const routes = input.routes ?? [];
  for (const route of routes) {
    if (!/^\/[a-z0-9][a-z0-9/_-]*[a-z0-9]$/.test(route)) throw problem(`route prefix "${route}" must look like /v1/${input.name}`);
  }
  if (input.settings && input.settings.module !== input.name) throw problem(`its settings are declared for module ${input.settings.module}`);
  return { name: input.name, contract, subscribes, sends, routes, settings: input.settings, load: input.load };
}

/** Every message of every module, by wire name. */
export class MessageRegistry {
  private readonly byWire = new Map<string, MessageClass>();

  constructor(readonly manifests: readonly ModuleManifest[]) {
    for (const manifest of manifests) {
      for (const message of manifest.contract) {
        if (this.byWire.has(message.wire)) throw new Error(`Two messages are named ${message.wire}`);
        this.byWire.set(message.wire, message);
      }
    }
  }

  find(wire: string): MessageClass | undefined {
    return this.byWire.get(wire);
  }

  /** Modules that subscribe to the event named `wire`. */
  subscribersOf(wire: string): string[] {
    return this.manifests.filter((m) => m.subscribes.some((event) => event.wire === wire)).map((m) => m.name);
  }

  manifest(module: string): ModuleManifest | undefined {
    return this.manifests.find((m) => m.name === module);
  }
}

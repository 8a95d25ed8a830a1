import type { MessagingOptions } from '@seams/kernel/messaging';
import { MessageRegistry, type Role, type SeamOptions, Topology } from '@seams/kernel/seam';
import { readSettings } from './read-settings';
import type { Settings } from './settings';
import { messagingOptions, seamOptions, topologyOptions } from './kernel-options';

/** The settings of `env` for the modules of `registry`. */
export function settingsFor(registry: MessageRegistry, env: NodeJS.ProcessEnv = process.env): Settings {
  return readSettings(env, registry.manifests.map((manifest) => manifest.name), registry.manifests);
}

/** The placement of `registry`'s modules for `role`, from `env` (its settings, then the kernel's checks). */
export function topologyFrom(registry: MessageRegistry, role: Role, env: NodeJS.ProcessEnv = process.env): Topology {
  return Topology.create(registry, role, topologyOptions(settingsFor(registry, env)));
}

/** The seam's options for the modules of `registry`, from `env`. */
export function seamOptionsFor(registry: MessageRegistry, env: NodeJS.ProcessEnv = process.env): SeamOptions {
  return seamOptions(settingsFor(registry, env));
}

/** The outbox relay's options, from `env`. */
export function messagingOptionsFrom(env: NodeJS.ProcessEnv = process.env): MessagingOptions {
  return messagingOptions(readSettings(env));
}

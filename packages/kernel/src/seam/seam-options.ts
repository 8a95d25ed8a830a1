import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { InvalidOptionError, wholeNumber } from '../context';
import { MAX_DEADLINE_AHEAD_MS } from '../security/service-credentials';
import type { AuthOptions } from '../security/auth-settings';
import type { MessageRegistry } from './manifest';
import { resilienceFor, type ResilienceOptions } from './resilience';
import type { Topology } from './topology';
import { type BrokerOptions, checkBrokerOptions, type TlsFiles } from './transport';
import type { ReplicaOptions } from './replicas';

export const DEFAULT_TIMEOUT_MS = 5000;

/** The seam's options (the host builds them from its settings; the kernel reads no environment). */
export interface SeamOptions {
  /** Who may issue the tokens this process accepts, and its service credential. */
  readonly auth: AuthOptions;
  /** The time budget of one message sent across the seam, in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Mutual TLS for the TCP transport. */
  readonly tls?: TlsFiles;
  /** TLS and NATS authentication for the broker transports (NATS, RabbitMQ). */
  readonly broker?: BrokerOptions;
  /**
   * How a TCP module's replicas are found and used: `resolveMs` (host names resolved again,
   * 5000), `maxConnectionAgeMs` (a connection replaced after, 300000; 0: never), `retryMs`
   * (first wait before a failed replica is pinged, 250), `resolve` (host name → addresses).
   */
  readonly replicas?: Partial<ReplicaOptions>;
  /** Circuit breaker, bulkhead and retries of remote calls. */
  readonly resilience?: ResilienceOptions;
}

/** `SeamModule.forRoot`: the modules, where they run, and the seam's options. */
export interface SeamModuleOptions extends SeamOptions {
  readonly registry: MessageRegistry;
  readonly topology: Topology;
}

/**
 * `SeamModule.forRootAsync`: the registry and the topology are needed to build the module
 * (which controllers it serves), so they are given as they are; the rest comes from a factory.
 */
export interface SeamModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly registry: MessageRegistry;
  readonly topology: Topology;
  readonly useFactory: (...args: never[]) => SeamOptions | Promise<SeamOptions>;
  readonly inject?: FactoryProvider['inject'];
}

/** Checked seam options, defaults filled in. */
export interface ResolvedSeamOptions extends SeamOptions {
  readonly timeoutMs: number;
  readonly resilience: ResilienceOptions;
}

/** The seam's options, checked: refused in one line naming the option and its value. */
export function seamOptions(options: SeamOptions): ResolvedSeamOptions {
  if (!options?.auth) throw new Error('seam options need auth (who may issue tokens)');
  const timeoutMs = wholeNumber('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1);
  // A receiver remembers a message's seal until its deadline, and refuses one further ahead (replays).
  if (timeoutMs > MAX_DEADLINE_AHEAD_MS) throw new InvalidOptionError(`timeoutMs must be at most ${MAX_DEADLINE_AHEAD_MS} (10 minutes: a sealed message's deadline may be no further ahead), not "${timeoutMs}"`);
  const resilience = options.resilience ?? {};
  resilienceFor('*', resilience);
  for (const module of Object.keys(resilience.modules ?? {})) resilienceFor(module, resilience);
  const tls = options.tls;
  if (tls && (!tls.ca?.length || !tls.cert?.length || !tls.key?.length)) throw new Error('tls needs all of ca, cert and key');
  checkBrokerOptions(options.broker, []);
  for (const key of ['resolveMs', 'maxConnectionAgeMs', 'retryMs'] as const) {
    const value = options.replicas?.[key];
    if (value !== undefined) wholeNumber(`replicas.${key}`, value, key === 'maxConnectionAgeMs' ? 0 : 1);
  }
  return { ...options, timeoutMs, resilience };
}

export const SEAM_OPTIONS = Symbol('SEAM_OPTIONS');

import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogOptions, TracingOptions } from '@seams/kernel/observability';
import type { MessagingOptions } from '@seams/kernel/messaging';
import type { DatabaseSettings } from '@seams/kernel/persistence';
import type { ResilienceOptions, ResilienceSettings, SeamOptions, TopologyOptions } from '@seams/kernel/seam';
import { type AuthOptions, devServiceSecret } from '@seams/kernel/security';
import { nameFor } from './read-settings';
import { SETTINGS, type Settings } from './settings';

/** The kernel's typed options, built from the host's settings (the kernel reads no environment). */

export function dataDirOf(settings: Settings): string {
  return settings.dataDir || join(process.cwd(), '.data');
}

export function authOptions(settings: Settings): AuthOptions {
  const key = settings.authPublicKey;
  return {
    issuer: settings.authIssuer
      ? {
          issuer: settings.authIssuer,
          jwksUrl: settings.authJwksUrl,
          publicKeyPem: key && (key.includes('-----BEGIN') ? key : readFileSync(key, 'utf8')),
        }
      : undefined,
    audience: settings.authAudience,
    rolesClaim: settings.authRolesClaim,
    dev: settings.authDev,
    authDir: join(dataDirOf(settings), 'auth'),
    serviceSecret: settings.serviceSecret,
    production: settings.nodeEnv === 'production',
  };
}

/** Names the host's settings in the kernel's placement refusals (`SEAMS_INVENTORY_URL`, not `modules.inventory.url`). */
export function settingName(module: string, field: 'placement' | 'url' | 'listen'): string {
  return nameFor(field === 'url' ? SETTINGS.moduleUrl : field === 'listen' ? SETTINGS.moduleListen : SETTINGS.placement, module);
}

export function topologyOptions(settings: Settings): TopologyOptions {
  const modules = Object.keys(settings.placement);
  return {
    modules: Object.fromEntries(
      modules.map((module) => [module, { placement: settings.placement[module], url: settings.moduleUrl[module], listen: settings.moduleListen[module] }]),
    ),
    namespace: settings.namespace,
    settingName,
  };
}

const RESILIENCE_KEYS = ['breakerThreshold', 'halfOpenMs', 'bulkheadLimit', 'bulkheadQueue', 'queryRetries'] as const satisfies readonly (keyof ResilienceSettings)[];

export function resilienceOptions(settings: Settings): ResilienceOptions {
  const defaults = Object.fromEntries(RESILIENCE_KEYS.map((key) => [key, settings[key].all]));
  const modules = new Set(RESILIENCE_KEYS.flatMap((key) => Object.keys(settings[key].modules)));
  return {
    defaults,
    modules: Object.fromEntries([...modules].map((module) => [module, Object.fromEntries(RESILIENCE_KEYS.map((key) => [key, settings[key].modules[module]]))])),
  };
}

export function seamOptions(settings: Settings): SeamOptions {
  const { tlsCa, tlsCert, tlsKey, brokerTlsCa, brokerTlsCert, brokerTlsKey, natsNkeySeed, natsCreds } = settings;
  const brokerTls = brokerTlsCa ? { ca: readFileSync(brokerTlsCa), ...(brokerTlsCert && brokerTlsKey && { cert: readFileSync(brokerTlsCert), key: readFileSync(brokerTlsKey) }) } : undefined;
  return {
    auth: authOptions(settings),
    timeoutMs: settings.timeoutMs,
    tls: tlsCa && tlsCert && tlsKey ? { ca: readFileSync(tlsCa), cert: readFileSync(tlsCert), key: readFileSync(tlsKey) } : undefined,
    broker: {
      ...(brokerTls && { tls: brokerTls }),
      ...(natsNkeySeed && { natsNkeySeed: readFileSync(natsNkeySeed, 'utf8') }),
      ...(natsCreds && { natsCredentials: readFileSync(natsCreds, 'utf8') }),
    },
    resilience: resilienceOptions(settings),
    replicas: {
      resolveMs: settings.resolveMs,
      maxConnectionAgeMs: settings.connectionMaxAgeMs,
      ...(settings.dnsServers && { resolve: dnsResolver(settings.dnsServers.split(',')) }),
    },
  };
}

/** Resolves host names through the DNS servers given (IPv4 first), not the system's resolver. */
function dnsResolver(servers: string[]): (host: string) => Promise<string[]> {
  const resolver = new Resolver();
  resolver.setServers(servers);
  return async (host) => {
    const v4 = await resolver.resolve4(host).catch((error: NodeJS.ErrnoException) => (error.code === 'ENODATA' || error.code === 'ENOTFOUND' ? [] : Promise.reject(error)));
    return v4.length > 0 ? v4 : resolver.resolve6(host);
  };
}

export function messagingOptions(settings: Settings): MessagingOptions {
  return {
    pollMs: settings.relayPollMs,
    batch: settings.relayBatch,
    concurrency: settings.relayConcurrency,
    maxAttempts: settings.relayMaxAttempts,
    backoffMs: settings.relayBackoffMs,
    maxBackoffMs: settings.relayMaxBackoffMs,
    leaseMs: settings.relayLeaseMs,
    retentionMs: settings.outboxRetentionMs,
  };
}

/** The modules' databases: the shared one (resolved by the host), the modules' own, and their roles. */
export function databaseOptions(settings: Settings, shared: { url: string; poolSize?: number }, localModules: readonly string[], roleSecret?: string): DatabaseSettings {
  const own = localModules.flatMap((module) => (settings.moduleDatabaseUrl[module] ? [[module, settings.moduleDatabaseUrl[module]!]] : []));
  return {
    url: shared.url,
    poolSize: shared.poolSize ?? settings.poolSize,
    moduleUrls: Object.fromEntries(own),
    moduleRoles: settings.dbRoles,
    roleSecret,
    acquireTimeoutMs: settings.acquireTimeoutMs,
  };
}

/** What the module roles' passwords derive from: the service secret, or in development the development one (`.data/auth`). */
export async function roleSecretOf(settings: Settings): Promise<string | undefined> {
  if (settings.serviceSecret) return settings.serviceSecret;
  if (settings.nodeEnv === 'production') return undefined;
  return devServiceSecret(authOptions(settings).authDir!);
}

export function logOptions(settings: Settings, service: string, silent = false): LogOptions {
  return { service, level: settings.logLevel, format: settings.logFormat, production: settings.nodeEnv === 'production', silent };
}

export function tracingOptions(settings: Settings, serviceName: string): TracingOptions {
  const base = settings.otlpEndpoint?.replace(/\/+$/, '');
  return {
    serviceName: settings.otelServiceName || serviceName,
    endpoint: settings.otlpTracesEndpoint || (base && `${base}/v1/traces`),
    disabled: settings.otelDisabled === 'true',
  };
}

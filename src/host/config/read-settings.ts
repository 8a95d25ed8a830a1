import { checkLease, RELAY_DEFAULTS } from '@seams/kernel/messaging';
import { type ModuleManifest, readModuleSettings } from '@seams/kernel/seam';
import { type Declaration, SETTINGS, type SettingKey, type Settings } from './settings';
import { SettingError } from './setting-kinds';

/** `SEAMS_<MODULE>_URL` for `inventory` → `SEAMS_INVENTORY_URL`. */
export function nameFor(declaration: Pick<Declaration<unknown>, 'name'>, module: string): string {
  return declaration.name.replace('<MODULE>', module.toUpperCase());
}

function rawOf(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

/**
 * THE place the environment is read: every declared setting, parsed and checked, for a
 * system of `modules`. All bad values are reported together, one line each, naming the
 * setting and the value; settings that only make sense together are checked here too.
 * The modules' own settings are read here as well, for the `manifests` given (those that
 * declare `settings`): a module never reads the environment itself.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env, modules: readonly string[] = [], manifests: readonly Pick<ModuleManifest, 'name' | 'settings'>[] = []): Settings {
  const errors: string[] = [];
  const parse = <T>(declaration: Declaration<T>, name: string, raw: string | undefined): T | undefined => {
    if (raw === undefined) return undefined;
    try {
      return declaration.kind.parse(raw, name);
    } catch (error) {
      errors.push((error as Error).message);
      return undefined;
    }
  };
  const values: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(SETTINGS) as [SettingKey, Declaration<unknown>][]) {
    if (!declaration.perModule) {
      const names = [declaration.name, ...(declaration.aliases ?? [])];
      const name = names.find((candidate) => rawOf(env, candidate) !== undefined) ?? declaration.name;
      values[key] = parse(declaration, name, rawOf(env, name)) ?? declaration.default;
    } else if (declaration.global) {
      const all = parse(declaration, declaration.global, rawOf(env, declaration.global));
      const own = modules.flatMap((module) => {
        const value = parse(declaration, nameFor(declaration, module), rawOf(env, nameFor(declaration, module)));
        return value === undefined ? [] : [[module, value]];
      });
      values[key] = { all, modules: Object.fromEntries(own) };
    } else {
      values[key] = Object.fromEntries(
        modules.map((module) => [module, parse(declaration, nameFor(declaration, module), rawOf(env, nameFor(declaration, module))) ?? declaration.default]),
      );
    }
  }
  const moduleSettings: Record<string, unknown> = {};
  for (const manifest of manifests) {
    if (!manifest.settings) continue;
    const read = readModuleSettings(manifest.settings, (name) => rawOf(env, name));
    errors.push(...read.errors);
    moduleSettings[manifest.name] = read.values;
  }
  values.moduleSettings = moduleSettings;
  const settings = values as Settings;
  if (errors.length === 0) errors.push(...together(settings));
  if (errors.length > 0) throw new SettingError(errors.join('\n'));
  return settings;
}

/** Settings that only work together. */
function together(settings: Settings): string[] {
  const errors: string[] = [];
  const production = settings.nodeEnv === 'production';
  if (settings.authDev && production) {
    errors.push('SEAMS_AUTH_DEV=on is refused when NODE_ENV=production: the development issuer signs tokens anyone with this folder can make');
  }
  if (settings.authJwksUrl && settings.authPublicKey) errors.push('Set SEAMS_AUTH_JWKS_URL or SEAMS_AUTH_PUBLIC_KEY, not both');
  const keyed = settings.authJwksUrl || settings.authPublicKey;
  if (keyed && !settings.authIssuer) errors.push('SEAMS_AUTH_ISSUER is required with SEAMS_AUTH_JWKS_URL or SEAMS_AUTH_PUBLIC_KEY');
  if (settings.authIssuer && !keyed) errors.push(`SEAMS_AUTH_ISSUER ("${settings.authIssuer}") needs SEAMS_AUTH_JWKS_URL or SEAMS_AUTH_PUBLIC_KEY`);
  if (Boolean(settings.httpsCert) !== Boolean(settings.httpsKey)) errors.push('HTTPS needs both SEAMS_HTTPS_CERT and SEAMS_HTTPS_KEY');
  const tls = [settings.tlsCa, settings.tlsCert, settings.tlsKey].filter(Boolean).length;
  if (tls > 0 && tls < 3) errors.push('Mutual TLS needs all of SEAMS_TLS_CA, SEAMS_TLS_CERT and SEAMS_TLS_KEY');
  if (Boolean(settings.brokerTlsCert) !== Boolean(settings.brokerTlsKey)) errors.push('Broker TLS needs SEAMS_BROKER_TLS_CERT and SEAMS_BROKER_TLS_KEY together, or neither');
  if ((settings.brokerTlsCert || settings.brokerTlsKey) && !settings.brokerTlsCa) errors.push('SEAMS_BROKER_TLS_CERT and SEAMS_BROKER_TLS_KEY need SEAMS_BROKER_TLS_CA (the CA that signed the broker\'s certificate)');
  if (settings.natsNkeySeed && settings.natsCreds) errors.push('Set SEAMS_NATS_NKEY_SEED or SEAMS_NATS_CREDS, not both');
  try {
    if (settings.relayLeaseMs !== undefined) checkLease({ ...RELAY_DEFAULTS, leaseMs: settings.relayLeaseMs }, settings.timeoutMs, { lease: 'SEAMS_RELAY_LEASE_MS', timeout: 'SEAMS_TIMEOUT_MS' });
  } catch (error) {
    errors.push((error as Error).message);
  }
  if (settings.brokerTlsCa) {
    const plain = Object.entries(settings.moduleUrl).filter(([, url]) => url !== undefined && /^amqp:/i.test(url));
    for (const [module, url] of plain) {
      errors.push(`${nameFor(SETTINGS.moduleUrl, module)} is ${String(url).replace(/\/\/[^@/]*@/, '//')}: with SEAMS_BROKER_TLS_CA set, RabbitMQ addresses must be amqps://`);
    }
  }
  return errors;
}

/**
 * What a serving process needs besides valid settings: some issuer to trust (every HTTP route
 * but health and metrics needs a token) and, in production, the deployment's service secret.
 */
export function assertSomeIssuer(settings: Settings): void {
  if (settings.nodeEnv === 'production' && !settings.serviceSecret) throw new SettingError('SEAMS_SERVICE_SECRET is required when NODE_ENV=production');
  if (settings.nodeEnv === 'production' && !settings.metricsToken) {
    throw new SettingError('SEAMS_METRICS_TOKEN is required when NODE_ENV=production: /metrics tells how the system runs, for operators only (Prometheus sends the token as a bearer token)');
  }
  if (!settings.authIssuer && !settings.authDev) {
    throw new SettingError(
      'No token issuer is configured: set SEAMS_AUTH_ISSUER with SEAMS_AUTH_JWKS_URL or SEAMS_AUTH_PUBLIC_KEY, ' +
        'or SEAMS_AUTH_DEV=on for development (npm start does)',
    );
  }
}

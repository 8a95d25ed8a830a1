import { MessageRegistry, type Role } from '@seams/kernel/seam';
import { groupServers, transportOf } from '@seams/kernel/seam';
import { topologyFrom } from '../../src/host/config';
import { probeManifests, type ProbeSystem } from '../sim/probe-system';

/**
 * The kernel's probe modules in the shape of a shop: charlie sends to alpha and bravo (queries
 * and commands), its changes go to delta, whose chain subscriber publishes delta.relayed back
 * to charlie; nobody subscribes to alpha's or bravo's events.
 */
const SYSTEM: ProbeSystem = {
  modules: [
    { name: 'alpha', subscriptions: [] },
    { name: 'bravo', subscriptions: [] },
    { name: 'charlie', subscriptions: [{ event: 'delta.relayed.v1', handlers: 1, chain: false }], sends: ['alpha', 'bravo'] },
    { name: 'delta', subscriptions: [{ event: 'charlie.changed.v1', handlers: 1, chain: true }] },
  ],
};
const MANIFESTS = probeManifests(SYSTEM, { slowMs: 1000 });
const registry = new MessageRegistry(MANIFESTS);
const monolith: Role = { kind: 'monolith' };
const host = (module: string): Role => ({ kind: 'module', module });
const tcp = (port: number) => `tcp://127.0.0.1:${port}`;

describe('Topology from SEAMS_<MODULE> and SEAMS_<MODULE>_URL', () => {
  it('runs every module in the monolith by default, serving nothing', () => {
    const topology = topologyFrom(registry, monolith, {});
    expect(topology.localModules.sort()).toEqual(MANIFESTS.map((m) => m.name).sort());
    expect(topology.served).toEqual([]);
    expect(topology.remote).toEqual([]);
  });

  it('sends a remote module its messages at its address', () => {
    const topology = topologyFrom(registry, monolith, { SEAMS_BRAVO: 'remote', SEAMS_BRAVO_URL: tcp(4010) });
    expect(topology.isLocal('bravo')).toBe(false);
    expect(topology.remote).toEqual([{ module: 'bravo', url: tcp(4010) }]);
  });

  it('refuses a remote module without an address, naming the setting', () => {
    expect(() => topologyFrom(registry, monolith, { SEAMS_BRAVO: 'remote' })).toThrow(
      /missing SEAMS_BRAVO_URL \(SEAMS_BRAVO=remote\)/,
    );
  });

  it('makes the monolith listen for what a remote module publishes to its local subscribers', () => {
    const env = { SEAMS_DELTA: 'remote', SEAMS_DELTA_URL: tcp(4020) };
    expect(() => topologyFrom(registry, monolith, env)).toThrow(
      /missing SEAMS_CHARLIE_URL \(the remote delta publishes events charlie subscribes to\)/,
    );
    const topology = topologyFrom(registry, monolith, { ...env, SEAMS_CHARLIE_URL: tcp(4000) });
    expect(topology.served).toEqual([{ module: 'charlie', url: tcp(4000) }]);
  });

  it('needs only its own address for a module host that sends nothing and publishes nothing', () => {
    const topology = topologyFrom(registry, host('bravo'), { SEAMS_BRAVO_URL: tcp(4010) });
    expect(topology.localModules).toEqual(['bravo']);
    expect(topology.served).toEqual([{ module: 'bravo', url: tcp(4010) }]);
  });

  it('names every address a module host needs and lacks', () => {
    let message = '';
    try {
      topologyFrom(registry, host('charlie'), {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Cannot start as the charlie host: missing /);
    for (const expected of [
      'SEAMS_CHARLIE_URL (the charlie host listens there)',
      'SEAMS_ALPHA_URL (charlie sends alpha.put.v1)',
      'SEAMS_BRAVO_URL (charlie sends bravo.put.v1)',
      'SEAMS_DELTA_URL (delta subscribes to charlie.changed.v1)',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it.each([
    [monolith, { SEAMS_ALPHA: 'elsewhere' }, /SEAMS_ALPHA must be "local", "remote" or "shadow", not "elsewhere"/],
    [host('no-such-module'), {}, new RegExp(`There is no module "no-such-module"; the modules are ${MANIFESTS.map((m) => m.name).join(', ')}`)],
    [monolith, { SEAMS_NAMESPACE: 'Bad Space' }, /SEAMS_NAMESPACE must be/],
  ])('refuses a bad setting (%#)', (role, env, message) => {
    expect(() => topologyFrom(registry, role, env)).toThrow(message);
  });

  it('accepts TCP, NATS and RabbitMQ addresses and refuses anything else', () => {
    expect(transportOf('tcp://127.0.0.1:4010')).toBe('tcp');
    expect(transportOf('nats://127.0.0.1:4222')).toBe('nats');
    expect(transportOf('amqp://guest:guest@127.0.0.1:5672')).toBe('rmq');
    expect(() => transportOf('http://127.0.0.1:80')).toThrow(/is not a seam address; use tcp:\/\//);
  });

  it('takes a list of replicas as a module address, and has a host of it listen at SEAMS_<MODULE>_LISTEN', () => {
    const list = `${tcp(4010)},tcp://127.0.0.12:4010`;
    expect(topologyFrom(registry, monolith, { SEAMS_BRAVO: 'remote', SEAMS_BRAVO_URL: list }).remote).toEqual([{ module: 'bravo', url: list }]);
    const hostOf = topologyFrom(registry, host('bravo'), { SEAMS_BRAVO_URL: list, SEAMS_BRAVO_LISTEN: 'tcp://0.0.0.0:4010' });
    expect(hostOf.served).toEqual([{ module: 'bravo', url: 'tcp://0.0.0.0:4010' }]);
  });

  it('refuses a host of a module whose address lists several replicas without SEAMS_<MODULE>_LISTEN, naming it', () => {
    expect(() => topologyFrom(registry, host('bravo'), { SEAMS_BRAVO_URL: `${tcp(4010)},tcp://127.0.0.12:4010` })).toThrow(
      /missing SEAMS_BRAVO_LISTEN \(SEAMS_BRAVO_URL lists several replicas/,
    );
  });

  it('refuses an address list that mixes transports, and a listen address that lists several, naming the setting', () => {
    expect(() => topologyFrom(registry, monolith, { SEAMS_BRAVO: 'remote', SEAMS_BRAVO_URL: `${tcp(4010)},nats://127.0.0.1:4222` })).toThrow(
      /SEAMS_BRAVO_URL: .* mixes transports/,
    );
    expect(() => topologyFrom(registry, host('bravo'), { SEAMS_BRAVO_URL: tcp(4010), SEAMS_BRAVO_LISTEN: `${tcp(4010)},tcp://127.0.0.12:4010` })).toThrow(
      /SEAMS_BRAVO_LISTEN must be one tcp:\/\/host:port address/,
    );
  });

  it('serves modules that share a TCP address from one server, and gives each its own on a broker', () => {
    expect(
      groupServers([
        { module: 'catalog', url: tcp(4000) },
        { module: 'ordering', url: tcp(4000) },
        { module: 'payments', url: 'nats://127.0.0.1:4222' },
        { module: 'inventory', url: 'nats://127.0.0.1:4222' },
        { module: 'alpha', url: 'amqp://127.0.0.1:5672' },
        { module: 'bravo', url: 'amqp://127.0.0.1:5672' },
      ]),
    ).toEqual([
      { url: tcp(4000), modules: ['catalog', 'ordering'] },
      { url: 'nats://127.0.0.1:4222', modules: ['payments', 'inventory'] },
      { url: 'amqp://127.0.0.1:5672', modules: ['alpha'] },
      { url: 'amqp://127.0.0.1:5672', modules: ['bravo'] },
    ]);
  });

  it('runs a shadowed module here, compares with its address, and does not serve there', () => {
    const topology = topologyFrom(registry, { kind: 'monolith' }, { SEAMS_ALPHA: 'shadow', SEAMS_ALPHA_URL: 'tcp://127.0.0.1:4999' });
    expect(topology.isLocal('alpha')).toBe(true);
    expect(topology.isShadow('alpha')).toBe(true);
    expect(topology.served).toEqual([]);
    expect(topology.remote).toEqual([{ module: 'alpha', url: 'tcp://127.0.0.1:4999' }]);
    expect(topology.describe()).toMatch(/shadow: alpha compared with tcp:\/\/127\.0\.0\.1:4999/);
    expect(() => topologyFrom(registry, { kind: 'monolith' }, { SEAMS_ALPHA: 'shadow' })).toThrow(/SEAMS_ALPHA=shadow needs SEAMS_ALPHA_URL/);
  });
});

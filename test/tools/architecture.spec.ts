// @uses-modules catalog, inventory, ordering, payments
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFESTS } from '../../src/host/manifests';
import { Command, z } from '@seams/kernel/primitives';
import { defineModule, MessageRegistry } from '@seams/kernel/seam';
import { architectureFromEnvironment } from '../../tools/architecture/main';
import { architectureOf } from '../../tools/architecture/model';
import { architectureDocument, messageDiagram, moduleDiagram, nodeId, placementDiagram, readmeBlock } from '../../tools/architecture/render';
import { topologyFrom } from '../../src/host/config';

const ROOT = join(__dirname, '..', '..');
const registry = new MessageRegistry(MANIFESTS);
const wires = MANIFESTS.flatMap((manifest) => manifest.contract.map((message) => message.wire));
const monolith = () => architectureFromEnvironment([], {});

describe('npm run docs:arch', () => {
  it('draws every module, and every command and query each sends to whom, in the module diagram', () => {
    const diagram = moduleDiagram(monolith());
    for (const manifest of MANIFESTS) {
      expect(diagram).toContain(`${nodeId(manifest.name)}["${manifest.name}"]`);
      for (const message of manifest.sends) {
        expect(diagram).toMatch(new RegExp(`${nodeId(manifest.name)} -- "[^"]*${message.wire}[^"]*" --> ${nodeId(message.wire.split('.')[0])}`));
      }
    }
  });

  it('draws every event from its publisher to each subscriber', () => {
    const diagram = moduleDiagram(monolith());
    for (const manifest of MANIFESTS) {
      for (const event of manifest.subscribes) {
        expect(diagram).toMatch(new RegExp(`${nodeId(event.wire.split('.')[0])} -\\. "[^"]*${event.wire}[^"]*" \\.-> ${nodeId(manifest.name)}`));
      }
    }
  });

  it('lists every message of every contract, with its kind and class, in the message diagram and the tables', () => {
    const model = monolith();
    const document = architectureDocument(model);
    expect(wires.length).toBeGreaterThan(0);
    for (const manifest of MANIFESTS) {
      expect(document).toContain(`### ${manifest.name}`);
      for (const message of manifest.contract) {
        expect(messageDiagram(model)).toContain(message.wire);
        expect(document).toContain(`| \`${message.wire}\` |`);
        expect(document).toContain(`\`${(message as unknown as { name: string }).name}\``);
      }
    }
  });

  it('shows a message nobody sends yet, next to the module that serves it', () => {
    class Ping extends Command<void> {
      static readonly wire = 'lonely.ping.v1';
      static readonly schema = z.object({});
    }
    const lonely = defineModule({ name: 'lonely', contract: { Ping }, load: () => Promise.reject(new Error('not loaded')) });
    const withLonely = new MessageRegistry([...MANIFESTS, lonely]);
    const model = architectureOf(withLonely, topologyFrom(withLonely, { kind: 'monolith' }, {}));
    expect(moduleDiagram(model)).toContain('lonely["lonely"]');
    expect(messageDiagram(model)).toContain('msg_lonely_ping_v1["command<br/>lonely.ping.v1"]');
    expect(messageDiagram(model)).toContain('msg_lonely_ping_v1 --> lonely');
    expect(architectureDocument(model)).toContain('| `lonely.ping.v1` | command | `Ping` | none yet |');
  });

  it('places the modules as the SEAMS_<MODULE> settings do: inventory remote at its address, the rest here', () => {
    const model = architectureFromEnvironment([], { SEAMS_INVENTORY: 'remote', SEAMS_INVENTORY_URL: 'tcp://127.0.0.1:4010' });
    expect(model.placement.local).toEqual(MANIFESTS.map((manifest) => manifest.name).filter((name) => name !== 'inventory'));
    expect(model.placement.remote).toEqual([{ module: 'inventory', url: 'tcp://127.0.0.1:4010' }]);
    const diagram = placementDiagram(model);
    expect(diagram).toContain('subgraph process_inventory["inventory at tcp://127.0.0.1:4010"]');
    expect(diagram).toContain('class inventory remote');
    expect(architectureDocument(model)).toContain('remote: inventory at tcp://127.0.0.1:4010');
  });

  it("draws a module host's view, and hides a broker password", () => {
    const model = architectureFromEnvironment(['--module', 'payments'], {
      SEAMS_PAYMENTS_URL: 'amqp://guest:secret@127.0.0.1:5672',
      SEAMS_ORDERING_URL: 'amqp://guest:secret@127.0.0.1:5672',
    });
    const diagram = placementDiagram(model);
    expect(diagram).toContain('subgraph process_here["this process: the payments module host"]');
    expect(diagram).toContain('ordering at amqp://guest:***@127.0.0.1:5672');
    expect(diagram).toContain('catalog (remote, address not set)');
    expect(diagram).not.toContain('secret');
  });

  it('marks a module in shadow mode: local, and compared with the implementation at its address', () => {
    const model = architectureFromEnvironment([], { SEAMS_CATALOG: 'shadow', SEAMS_CATALOG_URL: 'tcp://127.0.0.1:4011' });
    expect(model.placement.local).toContain('catalog');
    expect(model.placement.shadow).toEqual([{ module: 'catalog', url: 'tcp://127.0.0.1:4011' }]);
    expect(placementDiagram(model)).toContain('catalog["catalog<br/>(shadow: compared with tcp://127.0.0.1:4011)"]');
    expect(placementDiagram(model)).toContain('class catalog shadow');
  });

  it('refuses a placement the app would refuse, with the same message', () => {
    expect(() => architectureFromEnvironment([], { SEAMS_INVENTORY: 'remote' })).toThrow(/missing SEAMS_INVENTORY_URL/);
  });

  it('matches the committed docs/architecture.md (run `npm run docs:arch` without SEAMS_* settings and commit it)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8')).toBe(architectureDocument(monolith()));
  });

  it("matches the README's module diagram (run `npm run docs:arch` and commit README.md)", () => {
    expect(readmeBlock(readFileSync(join(ROOT, 'README.md'), 'utf8'))).toBe(moduleDiagram(monolith()));
    expect(registry.manifests).toHaveLength(MANIFESTS.length);
  });
});

// @uses-modules catalog, inventory, ordering, payments
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { MessageRegistry } from '@seams/kernel/seam';
import { readSettings, topologyFrom } from '../../src/host/config';
import { MANIFESTS } from '../../src/host/manifests';
import { generate, writeOutput, yamlOf } from '../../tools/deploy-k8s/kustomize';
import { requestOf } from '../../tools/deploy-k8s/main';
import type { DeployRequest } from '../../tools/deploy-k8s/placement';

/**
 * `npm run deploy:k8s` from the placement the processes read: each overlay rendered by
 * `kubectl kustomize` (as `kubectl apply -k` would), every object validated against the
 * Kubernetes API's schema (kubernetes-models), and what a cluster needs checked object by object.
 */
type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown };
const MODELS: Record<string, new (doc: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 ConfigMap': ConfigMap,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
};

const SPLIT: DeployRequest = { remote: ['inventory', 'payments'], replicas: { inventory: 2 }, transport: 'tcp', image: 'registry.example/seams:1.4.2' };
const folders: string[] = [];

function render(request: DeployRequest, overlay: 'dev' | 'prod'): Doc[] {
  const out = mkdtempSync(join(tmpdir(), 'seams-k8s-'));
  folders.push(out);
  writeOutput(out, generate(MANIFESTS, request));
  const yaml = execFileSync('kubectl', ['kustomize', join(out, 'overlays', overlay)], { encoding: 'utf8' });
  const docs = loadAll(yaml) as Doc[];
  for (const doc of docs) {
    const model = MODELS[`${doc.apiVersion} ${doc.kind}`];
    if (!model) throw new Error(`unexpected object ${doc.apiVersion} ${doc.kind} ${doc.metadata.name}`);
    new model(doc as never).validate();
  }
  return docs;
}

const of = (docs: Doc[], kind: string, name?: string) => docs.filter((doc) => doc.kind === kind && (name === undefined || doc.metadata.name === name));
const one = (docs: Doc[], kind: string, name: string) => {
  const found = of(docs, kind, name);
  if (found.length !== 1) throw new Error(`${found.length} ${kind} named ${name}`);
  return found[0] as Doc & { spec: Record<string, never>; data: Record<string, string> };
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading rendered YAML
const containerOf = (deployment: Doc): any => (deployment as any).spec.template.spec.containers[0];

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('deploy:k8s with inventory (2 replicas) and payments extracted, over TCP', () => {
  const dev = render(SPLIT, 'dev');
  const prod = render(SPLIT, 'prod');

  it('renders a valid object of a known kind for everything, in each overlay namespace', () => {
    expect(dev.every((doc) => doc.metadata.namespace === 'seams-dev')).toBe(true);
    expect(prod.every((doc) => doc.metadata.namespace === 'seams-prod')).toBe(true);
    expect(of(dev, 'Deployment').map((doc) => doc.metadata.name).sort()).toEqual(['inventory', 'monolith', 'payments']);
    expect(of(dev, 'Secret')).toEqual([]);
  });

  it('runs one image, pinned, in the role its arguments say, with probes, resources and a non-root, read-only container', () => {
    for (const deployment of of(prod, 'Deployment')) {
      const container = containerOf(deployment);
      expect(container.image).toBe('registry.example/seams:1.4.2');
      expect(container.args).toEqual(deployment.metadata.name === 'monolith' ? ['dist/src/main.js'] : ['dist/src/main.js', '--module', deployment.metadata.name]);
      expect(container.startupProbe.httpGet.path).toBe('/health/live');
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.resources.requests).toEqual({ cpu: '250m', memory: '512Mi' });
      expect(container.resources.limits).toEqual({ memory: '1Gi' });
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading rendered YAML
      expect((deployment as any).spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
    expect(containerOf(one(dev, 'Deployment', 'monolith')).resources.requests).toEqual({ cpu: '100m', memory: '256Mi' });
  });

  it('gives the pod time to drain: the grace period covers the preStop delay and the shutdown timeout the process reads', () => {
    for (const deployment of of(dev, 'Deployment')) {
      const settings = one(dev, 'ConfigMap', `${deployment.metadata.name}-settings`).data;
      const container = containerOf(deployment);
      const preStopMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(container.lifecycle.preStop.exec.command.join(' '))?.[1]);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading rendered YAML
      const grace = (deployment as any).spec.template.spec.terminationGracePeriodSeconds * 1000;
      expect(preStopMs).toBeGreaterThan(0);
      expect(grace).toBeGreaterThan(preStopMs + Number(settings.SEAMS_SHUTDOWN_TIMEOUT_MS));
    }
  });

  it('rolls an update one pod at a time, each ready long enough for its callers to take it into rotation before the next goes', () => {
    for (const deployment of of(dev, 'Deployment')) {
      const settings = one(dev, 'ConfigMap', `${deployment.metadata.name}-settings`).data;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading rendered YAML
      const spec = (deployment as any).spec;
      expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
      // Callers re-resolve a headless Service every SEAMS_SEAM_RESOLVE_MS (default 5 s) and re-probe a replica within 10 s.
      expect(spec.minReadySeconds * 1000).toBeGreaterThan(Math.max(Number(settings.SEAMS_SEAM_RESOLVE_MS ?? 5000), 10_000));
    }
  });

  it('scales inventory to 2 behind a PodDisruptionBudget, and in prod gives every process an autoscaler and a budget', () => {
    expect(one(dev, 'Deployment', 'inventory').spec.replicas).toBe(2);
    expect(one(dev, 'Deployment', 'monolith').spec.replicas).toBe(1);
    expect(of(dev, 'PodDisruptionBudget').map((doc) => doc.metadata.name)).toEqual(['inventory']);
    expect(of(dev, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(of(prod, 'PodDisruptionBudget').map((doc) => doc.metadata.name).sort()).toEqual(['inventory', 'monolith', 'payments']);
    expect(one(prod, 'HorizontalPodAutoscaler', 'inventory').spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
  });

  it('gives each process an HTTP Service and a headless Service for its TCP seam', () => {
    for (const name of ['monolith', 'inventory', 'payments']) {
      expect(one(dev, 'Service', name).spec).toMatchObject({ ports: [{ port: 80, targetPort: 'http' }] });
      expect(one(dev, 'Service', `${name}-seam`).spec).toMatchObject({ clusterIP: 'None', ports: [{ port: 4010, targetPort: 'seam' }] });
    }
  });

  it('admits to a seam port only the processes whose modules send to it or publish events it subscribes to', () => {
    const from = (name: string) => {
      const ingress = one(dev, 'NetworkPolicy', name).spec.ingress as { from?: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[];
      return ingress.filter((rule) => rule.ports.some((port) => port.port === 4010)).flatMap((rule) => (rule.from ?? []).map((peer) => peer.podSelector.matchLabels['app.kubernetes.io/component']));
    };
    // ordering (in the monolith) sends inventory's commands; payments publishes what ordering subscribes to.
    expect(from('inventory')).toEqual(['monolith']);
    expect(from('monolith')).toEqual(['payments']);
    const registry = new MessageRegistry(MANIFESTS);
    const sendsToPayments = MANIFESTS.filter((m) => m.name !== 'payments' && m.sends.some((message) => message.wire.startsWith('payments.')));
    const deliversToPayments = MANIFESTS.filter((m) => m.contract.some((event) => registry.subscribersOf(event.wire).includes('payments')));
    expect(from('payments')).toEqual(sendsToPayments.length + deliversToPayments.length > 0 ? ['monolith'] : []);
  });

  it('passes secrets by reference only: the service secret, the issuer, the database and each module\'s role', () => {
    for (const deployment of of(dev, 'Deployment')) {
      const env = containerOf(deployment).env as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; optional?: boolean } } }[];
      const ref = (name: string) => env.find((entry) => entry.name === name)?.valueFrom?.secretKeyRef;
      expect(env.filter((entry) => entry.value !== undefined)).toEqual([]);
      expect(ref('SEAMS_SERVICE_SECRET')?.name).toBe('seams-service');
      expect(ref('SEAMS_AUTH_ISSUER')?.name).toBe('seams-issuer');
      expect(ref('SEAMS_AUTH_JWKS_URL')?.name).toBe('seams-issuer');
      expect(ref('DATABASE_URL')?.name).toBe('seams-database');
      expect(ref('SEAMS_METRICS_TOKEN')?.name).toBe('seams-metrics');
      const own = deployment.metadata.name === 'monolith' ? ['catalog', 'ordering'] : [deployment.metadata.name];
      for (const module of own) expect(ref(`SEAMS_${module.toUpperCase()}_DATABASE_URL`)).toEqual({ name: `seams-db-${module}`, key: 'url', optional: true });
    }
  });

  it('holds in each ConfigMap the settings its process starts with: the kernel accepts the placement they describe', () => {
    const registry = new MessageRegistry(MANIFESTS);
    for (const deployment of of(dev, 'Deployment')) {
      const settings = one(dev, 'ConfigMap', `${deployment.metadata.name}-settings`).data;
      const role = deployment.metadata.name === 'monolith' ? ({ kind: 'monolith' } as const) : ({ kind: 'module', module: deployment.metadata.name } as const);
      readSettings(settings, MANIFESTS.map((m) => m.name), MANIFESTS);
      const topology = topologyFrom(registry, role, settings);
      expect(topology.served.every(({ url }) => url === 'tcp://0.0.0.0:4010')).toBe(true);
    }
  });
});

describe('deploy:k8s over a broker', () => {
  it('over NATS: no seam Services or seam ports, every module at the broker', () => {
    const docs = render({ ...SPLIT, transport: 'nats' }, 'dev');
    expect(of(docs, 'Service').map((doc) => doc.metadata.name).sort()).toEqual(['inventory', 'monolith', 'payments']);
    expect(one(docs, 'ConfigMap', 'monolith-settings').data.SEAMS_INVENTORY_URL).toBe('nats://nats:4222');
    expect(containerOf(one(docs, 'Deployment', 'inventory')).ports).toEqual([{ name: 'http', containerPort: 3000 }]);
  });

  it('over RabbitMQ: the addresses, which hold its credentials, come from a Secret', () => {
    const docs = render({ ...SPLIT, transport: 'amqp' }, 'dev');
    expect(Object.keys(one(docs, 'ConfigMap', 'monolith-settings').data).filter((name) => name.endsWith('_URL'))).toEqual([]);
    const env = containerOf(one(docs, 'Deployment', 'monolith')).env as { name: string; valueFrom?: { secretKeyRef: { name: string } } }[];
    expect(env.find((entry) => entry.name === 'SEAMS_INVENTORY_URL')?.valueFrom?.secretKeyRef.name).toBe('seams-broker');
  });
});

describe('deploy:k8s refuses what cannot be deployed, in one line naming the option', () => {
  const attempt = (argv: string[]) => () => generate(MANIFESTS, requestOf(argv, '0.1.0'));

  it.each([
    [['--out', 'x', '--image', 'seams:latest'], /"latest" moves/],
    [['--out', 'x', '--image', 'registry.example:5000/seams'], /has no tag or digest/],
    [['--out', 'x', '--remote', 'shipping'], /no module named shipping; the modules are catalog, inventory, ordering, payments/],
    [['--out', 'x', '--replicas', 'catalog=2'], /catalog runs in the monolith; extract it with --remote catalog/],
    [['--out', 'x', '--remote', 'inventory', '--replicas', 'inventory=0'], /a replica count is a whole number from 1 to 100/],
    [['--out', 'x', '--replicas', 'inventory'], /--replicas takes module=count pairs/],
    [['--out', 'x', '--transport', 'udp'], /--transport must be tcp, nats or amqp/],
    [['--remote', 'inventory'], /--out <dir> is required/],
    [['--out', 'x', '--region', 'eu'], /unknown option --region/],
    [['--out', 'x', '--remote', 'catalog,inventory,ordering,payments'], /the monolith would run none/],
  ])('%j', (argv, message) => {
    expect(attempt(argv)).toThrow(message);
  });

  it('refuses an object the Kubernetes schema refuses, naming it (typed models, validated before anything is written)', () => {
    const invalid = new Deployment({ metadata: { name: 'broken' }, spec: { replicas: -1 } as never });
    expect(() => yamlOf([invalid])).toThrow(/the generated Deployment broken is not a valid Kubernetes object/);
  });

  it('takes an image by digest', () => {
    expect(() => generate(MANIFESTS, { ...SPLIT, image: `registry.example/seams@sha256:${'a'.repeat(64)}` })).not.toThrow();
  });
});

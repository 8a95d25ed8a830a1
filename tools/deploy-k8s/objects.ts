import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, type IEnvVar, Service } from 'kubernetes-models/v1';
import { HTTP_PORT, type Process, SEAM_PORT, type Transport } from './placement';

/** A Kubernetes object of the typed models: built, then validated against the API's schema. */
export interface K8sObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  validate(): void;
  toJSON(): unknown;
}

export const APP = 'seams';
/** Seconds a terminating pod keeps serving while its endpoints are taken out of the Services. */
export const PRE_STOP_SECONDS = 5;
/** `SEAMS_SHUTDOWN_TIMEOUT_MS` in the cluster: the drain after SIGTERM. */
export const SHUTDOWN_TIMEOUT_MS = 20_000;
/** The grace period covers the preStop delay, the drain and a margin before Kubernetes sends SIGKILL. */
export const GRACE_SECONDS = PRE_STOP_SECONDS + SHUTDOWN_TIMEOUT_MS / 1000 + 5;
/**
 * How long a new pod must be ready before a rolling update takes the next old one down: its
 * callers must have it in rotation first. They find a new pod when they resolve the headless
 * Service again (`SEAMS_SEAM_RESOLVE_MS`, 5 s) and take back a replica they left out within their
 * re-probe's longest back-off (10 s): 15 s covers both (test/skew/rolling-upgrade.spec.ts).
 */
export const MIN_READY_SECONDS = 15;

/** Secrets the team creates (never values here): the service secret, the issuer, the database, the metrics token, each module's role, the broker. */
export const SECRETS = {
  service: { name: 'seams-service', key: 'secret' },
  issuer: { name: 'seams-issuer', keys: { issuer: 'issuer', jwksUrl: 'jwks-url' } },
  database: { name: 'seams-database', key: 'url' },
  metrics: { name: 'seams-metrics', key: 'token' },
  broker: { name: 'seams-broker', key: 'url' },
  /** `seams-db-<module>`, key `url`: the module's own database role (optional: without it the module uses the shared URL). */
  module: (module: string) => ({ name: `seams-db-${module}`, key: 'url' }),
} as const;

const labelsOf = (process: Process) => ({ 'app.kubernetes.io/name': APP, 'app.kubernetes.io/component': process.name });
const selectorOf = (name: string) => ({ 'app.kubernetes.io/name': APP, 'app.kubernetes.io/component': name });
const secretEnv = (name: string, secret: { name: string; key: string }, optional = false): IEnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret.name, key: secret.key, ...(optional && { optional: true }) } },
});

/** The ConfigMap of a process's `SEAMS_*` settings (broker addresses with credentials go through a Secret instead). */
export function configMapOf(process: Process, transport: Transport): ConfigMap {
  const data: Record<string, string> = { NODE_ENV: 'production', PORT: String(HTTP_PORT), SEAMS_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };
  for (const [name, value] of Object.entries(process.settings)) {
    if (transport === 'amqp' && /_URL$/.test(name)) continue;
    data[name] = value;
  }
  return new ConfigMap({ metadata: { name: `${process.name}-settings`, labels: labelsOf(process) }, data });
}

export function deploymentOf(process: Process, transport: Transport, image: string): Deployment {
  const env: IEnvVar[] = [
    secretEnv('SEAMS_SERVICE_SECRET', SECRETS.service),
    secretEnv('SEAMS_AUTH_ISSUER', { name: SECRETS.issuer.name, key: SECRETS.issuer.keys.issuer }),
    secretEnv('SEAMS_AUTH_JWKS_URL', { name: SECRETS.issuer.name, key: SECRETS.issuer.keys.jwksUrl }),
    secretEnv('DATABASE_URL', SECRETS.database),
    secretEnv('SEAMS_METRICS_TOKEN', SECRETS.metrics),
    ...process.modules.map((module) => secretEnv(`SEAMS_${module.toUpperCase()}_DATABASE_URL`, SECRETS.module(module), true)),
    ...(transport === 'amqp' ? Object.keys(process.settings).filter((name) => /_URL$/.test(name)).map((name) => secretEnv(name, SECRETS.broker)) : []),
  ];
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 3,
  });
  return new Deployment({
    metadata: { name: process.name, labels: labelsOf(process) },
    spec: {
      replicas: process.replicas,
      selector: { matchLabels: selectorOf(process.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      minReadySeconds: MIN_READY_SECONDS,
      template: {
        metadata: { labels: labelsOf(process) },
        spec: {
          terminationGracePeriodSeconds: GRACE_SECONDS,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'seams',
              image,
              imagePullPolicy: 'IfNotPresent',
              command: ['node'],
              args: ['dist/src/main.js', ...(process.role.kind === 'module' ? ['--module', process.role.module] : [])],
              ports: [
                { name: 'http', containerPort: HTTP_PORT },
                ...(transport === 'tcp' ? [{ name: 'seam', containerPort: SEAM_PORT }] : []),
              ],
              envFrom: [{ configMapRef: { name: `${process.name}-settings` } }],
              env,
              startupProbe: probe('/health/live', 2, 30),
              livenessProbe: probe('/health/live', 10, 3),
              readinessProbe: probe('/health/ready', 5, 2),
              lifecycle: { preStop: { exec: { command: ['node', '-e', `setTimeout(() => {}, ${PRE_STOP_SECONDS * 1000})`] } } },
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  });
}

/** The HTTP Service of a process (its routes, health, metrics). */
export function httpServiceOf(process: Process): Service {
  return new Service({
    metadata: { name: process.name, labels: labelsOf(process) },
    spec: { selector: selectorOf(process.name), ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
}

/** A headless Service for a process's TCP seam: its name resolves to every ready pod, which callers spread calls over. */
export function seamServiceOf(process: Process): Service {
  return new Service({
    metadata: { name: `${process.name}-seam`, labels: labelsOf(process) },
    spec: { clusterIP: 'None', selector: selectorOf(process.name), ports: [{ name: 'seam', port: SEAM_PORT, targetPort: 'seam' }] },
  });
}

export function disruptionBudgetOf(process: Process): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: process.name, labels: labelsOf(process) },
    spec: { minAvailable: 1, selector: { matchLabels: selectorOf(process.name) } },
  });
}

/**
 * Who may reach a process: its HTTP port from anywhere (the routes check tokens), its seam
 * port only from the processes whose modules send to it or publish events it subscribes to.
 */
export function networkPolicyOf(process: Process, transport: Transport): NetworkPolicy {
  const http = { ports: [{ protocol: 'TCP' as const, port: HTTP_PORT }] };
  const seam =
    transport === 'tcp' && process.callers.length > 0
      ? [{ from: process.callers.map((caller) => ({ podSelector: { matchLabels: selectorOf(caller) } })), ports: [{ protocol: 'TCP' as const, port: SEAM_PORT }] }]
      : [];
  return new NetworkPolicy({
    metadata: { name: process.name, labels: labelsOf(process) },
    spec: { podSelector: { matchLabels: selectorOf(process.name) }, policyTypes: ['Ingress'], ingress: [http, ...seam] },
  });
}

export function autoscalerOf(process: Process): HorizontalPodAutoscaler {
  const least = Math.max(2, process.replicas);
  return new HorizontalPodAutoscaler({
    metadata: { name: process.name, labels: labelsOf(process) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: process.name },
      minReplicas: least,
      maxReplicas: least * 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  });
}

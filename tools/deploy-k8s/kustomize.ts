import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { ModuleManifest } from '@seams/kernel/seam';
import { autoscalerOf, configMapOf, deploymentOf, disruptionBudgetOf, httpServiceOf, type K8sObject, networkPolicyOf, seamServiceOf } from './objects';
import { type DeployRequest, placementOf, type Process, checkImage } from './placement';

/** A file of the output: its path under `--out` and its contents. */
export interface OutputFile {
  readonly path: string;
  readonly text: string;
}

/** Every object validated against the Kubernetes API's schema, then written as one YAML document each. */
export function yamlOf(objects: readonly K8sObject[]): string {
  return objects
    .map((object) => {
      try {
        object.validate();
      } catch (error) {
        throw new Error(`the generated ${object.kind} ${object.metadata?.name} is not a valid Kubernetes object: ${(error as Error).message}`, { cause: error });
      }
      return dump(JSON.parse(JSON.stringify(object.toJSON())), { lineWidth: 200, noRefs: true });
    })
    .join('---\n');
}

const kustomization = (body: Record<string, unknown>) => dump({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...body }, { lineWidth: 200 });

/**
 * The kustomize base (one file per process: its ConfigMap, Deployment, Services, NetworkPolicy
 * and, when it has several replicas, its PodDisruptionBudget) and the `dev` and `prod` overlays
 * (prod: its own namespace, larger resources, a HorizontalPodAutoscaler and a
 * PodDisruptionBudget for every process).
 */
export function generate(manifests: readonly ModuleManifest[], request: DeployRequest): OutputFile[] {
  checkImage(request.image);
  const processes = placementOf(manifests, request);
  const files: OutputFile[] = [];
  for (const process of processes) {
    const objects: K8sObject[] = [
      configMapOf(process, request.transport),
      deploymentOf(process, request.transport, request.image),
      httpServiceOf(process),
      ...(request.transport === 'tcp' ? [seamServiceOf(process)] : []),
      networkPolicyOf(process, request.transport),
      ...(process.replicas > 1 ? [disruptionBudgetOf(process)] : []),
    ];
    files.push({ path: `base/${process.name}.yaml`, text: yamlOf(objects) });
  }
  files.push({
    path: 'base/kustomization.yaml',
    text: kustomization({ resources: processes.map((process) => `${process.name}.yaml`), labels: [{ pairs: { 'app.kubernetes.io/part-of': 'seams' } }] }),
  });
  files.push({ path: 'overlays/dev/kustomization.yaml', text: kustomization({ namespace: 'seams-dev', resources: ['../../base'] }) });
  const scaled = (process: Process) => process.replicas > 1;
  files.push({ path: 'overlays/prod/autoscaling.yaml', text: yamlOf(processes.map(autoscalerOf)) });
  const budgets = processes.filter((process) => !scaled(process)).map(disruptionBudgetOf);
  if (budgets.length > 0) files.push({ path: 'overlays/prod/disruption-budgets.yaml', text: yamlOf(budgets) });
  files.push({
    path: 'overlays/prod/kustomization.yaml',
    text: kustomization({
      namespace: 'seams-prod',
      resources: ['../../base', 'autoscaling.yaml', ...(budgets.length > 0 ? ['disruption-budgets.yaml'] : [])],
      patches: [
        {
          target: { kind: 'Deployment' },
          patch: dump([
            { op: 'replace', path: '/spec/template/spec/containers/0/resources', value: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } } },
          ]),
        },
      ],
    }),
  });
  return files;
}

/** Writes the files under `out` (its base and overlays folders replaced). */
export function writeOutput(out: string, files: readonly OutputFile[]): void {
  for (const folder of ['base', 'overlays']) rmSync(join(out, folder), { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(join(out, file.path, '..'), { recursive: true });
    writeFileSync(join(out, file.path), file.text);
  }
}

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

const ROOT = join(__dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const VALIDATOR = join(ROOT, 'node_modules', '.bin', 'action-validator');

/** What action-validator (GitHub's workflow schema, and the jobs' `needs`) says of a file: its exit code and output. */
const validate = (file: string) => spawnSync(VALIDATOR, [file], { encoding: 'utf8' });

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  steps: Step[];
}

describe('the delivery pipeline (.github/workflows)', () => {
  const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));
  const pipeline = load(readFileSync(join(WORKFLOWS, 'pipeline.yml'), 'utf8')) as { jobs: Record<string, Job> };
  const { jobs } = pipeline;
  const needs = (job: string) => [jobs[job].needs ?? []].flat();
  const runs = (job: string) => jobs[job].steps.map((step) => step.run ?? step.uses ?? '').join('\n');

  it.each(files)('%s is a valid workflow (action-validator)', (file) => {
    const result = validate(join(WORKFLOWS, file));
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the validator refuses a broken workflow, naming what is wrong', () => {
    const result = validate(join(__dirname, 'fixtures', 'broken-workflow.yml'));
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('unresolved job build');
  });

  it('tests every push: install, type check, boundary lint, contracts, npm test, deploy:check against N-1, the newest Zod in range, benchmark smoke, in that order', () => {
    const order = ['npm ci', 'npm run typecheck', 'npm run lint', 'npm run contracts:check', 'npm test', 'npm run deploy:check -- --each', 'bash .ci/zod-latest.sh', 'npm run bench:smoke'].map((command) => runs('test').indexOf(command));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(jobs.test.if).toBeUndefined();
  });

  it('on main only, builds the image with an SBOM, scans it failing on high or critical findings, and pushes it', () => {
    expect(needs('image')).toEqual(['test']);
    expect(jobs.image.if).toContain("github.ref == 'refs/heads/main'");
    expect(runs('image')).toContain('npm sbom');
    const scan = jobs.image.steps.find((step) => step.uses?.startsWith('aquasecurity/trivy-action'));
    expect(scan?.with).toMatchObject({ severity: 'HIGH,CRITICAL', 'exit-code': '1' });
    const push = jobs.image.steps.findIndex((step) => step.with?.push === 'true' || (step.with?.push as unknown) === true);
    expect(push).toBeGreaterThan(jobs.image.steps.indexOf(scan!));
  });

  it('then deploys the dev overlay and smoke tests it (UAT), loads it (Performance), and deploys prod after an approval', () => {
    expect(needs('uat')).toEqual(['image']);
    expect(jobs.uat.environment).toBe('dev');
    expect(runs('uat')).toMatch(/npm run deploy:k8s[\s\S]*kubectl apply -k k8s\/overlays\/dev[\s\S]*health\/ready/);
    expect(needs('performance')).toEqual(['uat']);
    expect(needs('prod')).toContain('performance');
    // The production environment's required reviewers are the manual approval.
    expect(jobs.prod.environment).toBe('production');
    expect(runs('prod')).toMatch(/kubectl apply -k k8s\/overlays\/prod[\s\S]*rollout undo/);
  });
});

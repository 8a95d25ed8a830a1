import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The Dockerfile's instructions (continuation lines joined, comments left out), by stage. */
function stages(text: string): string[][] {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const result: string[][] = [];
  for (const instruction of instructions) {
    if (/^FROM /i.test(instruction)) result.push([]);
    result[result.length - 1]?.push(instruction);
  }
  return result;
}

describe('Dockerfile', () => {
  const all = stages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const runtime = all[all.length - 1];
  const user = /^USER (\S+)/.exec(runtime.find((line) => line.startsWith('USER ')) ?? '')?.[1];

  it('runs as a user other than root', () => {
    expect(user).toBeDefined();
    expect(user).not.toBe('root');
  });

  it('makes /app/.data/auth before switching users, owned by the runtime user, so a volume mounted there is writable', () => {
    const beforeUser = runtime.slice(0, runtime.findIndex((line) => line.startsWith('USER ')));
    const runs = beforeUser.filter((line) => line.startsWith('RUN ')).join(' && ');
    expect(runs).toMatch(/mkdir -p \/app\/\.data\/auth/);
    expect(runs).toMatch(new RegExp(`chown -R ${user}:${user} /app/\\.data(\\s|$)`));
  });

  const base = /^ARG NODE_IMAGE=(\S+)/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];

  it('builds and runs on one pinned Node release (major.minor.patch) of a major that package.json supports', () => {
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(base).toMatch(/^node:\d+\.\d+\.\d+-/);
    const major = /^node:(\d+)/.exec(base ?? '')?.[1];
    expect(engines).toMatch(new RegExp(`(^|\\|\\|\\s*)(\\^|>=)${major}\\.`));
    for (const stage of all) expect(stage[0]).toMatch(/^FROM \$\{NODE_IMAGE\}/);
  });

  it('installs only production dependencies, from the lockfile, into the runtime image', () => {
    const deps = all.find((stage) => / AS deps$/.test(stage[0]));
    expect(deps?.some((line) => /^RUN npm ci --omit=dev\b/.test(line))).toBe(true);
    expect(runtime).toContain('COPY --from=deps /app/node_modules ./node_modules');
  });

  it('checks its own health', () => {
    expect(runtime.some((line) => /^HEALTHCHECK .*\/health\/ready/.test(line))).toBe(true);
  });
});

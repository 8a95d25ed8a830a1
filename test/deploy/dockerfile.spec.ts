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

  it('builds and runs on a Node major that package.json supports', () => {
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    for (const stage of all) {
      const major = /^FROM node:(\d+)/.exec(stage[0])?.[1];
      expect(major).toBeDefined();
      expect(engines).toMatch(new RegExp(`(^|\\|\\|\\s*)(\\^|>=)${major}\\.`));
    }
  });
});

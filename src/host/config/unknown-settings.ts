import { nameFor } from './read-settings';
import { type Declaration, SETTINGS } from './settings';

/** Prefixes of SEAMS_* names that belong to the test harness, not to a process. */
const HARNESS_PREFIXES = ['SEAMS_TEST_'];

/** Every name a process knows, for a system of `modules`. */
export function knownNames(modules: readonly string[]): string[] {
  return (Object.values(SETTINGS) as Declaration<unknown>[]).flatMap((declaration) => [
    ...(declaration.perModule ? modules.map((module) => nameFor(declaration, module)) : [declaration.name]),
    ...(declaration.aliases ?? []),
    ...(declaration.global ? [declaration.global] : []),
  ]);
}

/**
 * One warning line per SEAMS_* variable no setting reads (a typo would otherwise be ignored
 * in silence), naming the closest known setting.
 */
export function unknownSettings(env: NodeJS.ProcessEnv, modules: readonly string[]): string[] {
  const known = knownNames(modules);
  const names = new Set(known);
  return Object.keys(env)
    .filter((name) => name.startsWith('SEAMS_') && !names.has(name) && !HARNESS_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .sort()
    .map((name) => `Unknown setting ${name} is ignored; did you mean ${closest(name, known)}?`);
}

function closest(name: string, candidates: readonly string[]): string {
  let best = candidates[0];
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

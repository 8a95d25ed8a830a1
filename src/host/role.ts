import type { Role } from '@seams/kernel/seam';

/**
 * `node dist/src/main.js` runs the monolith; `node dist/src/main.js --module inventory` (or
 * `SEAMS_HOST_MODULE=inventory`, read by the host's configuration) runs the same build as the
 * inventory module's host.
 */
export function roleFrom(argv: readonly string[], hostModule: string | undefined): Role {
  const flag = argv.indexOf('--module');
  const module = flag >= 0 ? argv[flag + 1] : hostModule;
  if (flag >= 0 && !module) throw new Error('--module needs a module name, e.g. --module inventory');
  return module ? { kind: 'module', module } : { kind: 'monolith' };
}

/** The name a process goes by in logs and traces: `monolith` or the hosted module. */
export function serviceOf(role: Role): string {
  return role.kind === 'monolith' ? 'monolith' : role.module;
}

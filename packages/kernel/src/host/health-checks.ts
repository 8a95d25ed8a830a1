/**
 * The readiness checks' own runner (what `@nestjs/terminus` did here, in its answer's shape:
 * `{ status, info, error, details }`): each check answers `up` or `down` with details, within a
 * time limit, all run at once. Kept in the kernel so its install pulls no health library whose
 * optional peers conflict with the app's NestJS (issue 24: `ERESOLVE` on a fresh install).
 */
export interface CheckState {
  readonly status: 'up' | 'down';
  readonly [detail: string]: unknown;
}

export type CheckResults = Record<string, CheckState>;

export interface HealthCheckResult {
  readonly status: 'ok' | 'error';
  /** The checks that are up. */
  readonly info: CheckResults;
  /** The checks that are down, with why. */
  readonly error: CheckResults;
  /** Every check. */
  readonly details: CheckResults;
}

/** One named check: its state (a check that throws or runs out of time is down, its message the reason). */
export type HealthCheck = () => Promise<{ readonly key: string; readonly state: CheckState }>;

/** A check of `key` that is up when `attempt` resolves within `timeoutMs`, down with the error's message otherwise. */
export function attemptCheck(key: string, attempt: () => Promise<void>, timeoutMs: number): HealthCheck {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout of ${timeoutMs}ms exceeded`)), timeoutMs);
    });
    try {
      await Promise.race([attempt(), timeout]);
      return { key, state: { status: 'up' } };
    } catch (error) {
      return { key, state: { status: 'down', message: error instanceof Error ? error.message : String(error) } };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Runs every check at once: `ok` when all are up. */
export async function runHealthChecks(checks: readonly HealthCheck[]): Promise<HealthCheckResult> {
  const results = await Promise.all(checks.map((check) => check()));
  const details: CheckResults = Object.fromEntries(results.map(({ key, state }) => [key, state]));
  const pick = (status: 'up' | 'down') => Object.fromEntries(results.filter(({ state }) => state.status === status).map(({ key, state }) => [key, state]));
  const error = pick('down');
  return { status: Object.keys(error).length === 0 ? 'ok' : 'error', info: pick('up'), error, details };
}

import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  wrap,
} from 'cockatiel';
import { wholeNumbers } from '../context';
import { isRefusal, SeamTimeoutError, SeamUnavailableError } from './seam-errors';

/**
 * The policies every remote seam call runs under, per module (typed options: defaults for
 * every module, and a module's own values over them):
 *   breakerThreshold  consecutive failures (unreachable or timed out) that open the circuit (5)
 *   halfOpenMs        how long an open circuit fails fast before letting one call try (5000)
 *   bulkheadLimit / bulkheadQueue  calls in flight to the module, and calls waiting (100 / 100)
 *   queryRetries      extra attempts for a query (or an idempotent command) whose module was unreachable (2)
 * The timeout is the envelope's deadline (the seam's `timeoutMs`). A command is retried only
 * when its contract declares an idempotency key (`static idempotencyKey`): any other command
 * may have taken effect before its answer was lost. Any message is retried (up to
 * `queryRetries` more times) when a host refused it unhandled because it is shutting down
 * (`isRefusal`): the retry goes to another replica.
 */
export interface ResilienceSettings {
  readonly breakerThreshold: number;
  readonly halfOpenMs: number;
  readonly bulkheadLimit: number;
  readonly bulkheadQueue: number;
  readonly queryRetries: number;
}

export interface ResilienceOptions {
  /** Values for every module (each falls back to `RESILIENCE_DEFAULTS`). */
  readonly defaults?: Partial<ResilienceSettings>;
  /** A module's own values, over `defaults`. */
  readonly modules?: Readonly<Record<string, Partial<ResilienceSettings> | undefined>>;
}

export const RESILIENCE_DEFAULTS: ResilienceSettings = {
  breakerThreshold: 5,
  halfOpenMs: 5000,
  bulkheadLimit: 100,
  bulkheadQueue: 100,
  queryRetries: 2,
};

/** `module`'s policies: its own options over the defaults, each a whole number ≥ 0. */
export function resilienceFor(module: string, options: ResilienceOptions = {}): ResilienceSettings {
  const own = options.modules?.[module];
  const merged = { ...options.defaults, ...Object.fromEntries(Object.entries(own ?? {}).filter(([, value]) => value !== undefined)) };
  return wholeNumbers(RESILIENCE_DEFAULTS, merged, 0, (key) =>
    own?.[key as keyof ResilienceSettings] !== undefined ? `resilience.modules.${module}.${key}` : `resilience.defaults.${key}`,
  );
}

/** A failure of the module itself (not a typed answer from it): what the breaker counts. */
const moduleFailed = (error: Error) => error instanceof SeamUnavailableError || error instanceof SeamTimeoutError;

/** One module's circuit breaker, bulkhead and retry (for queries and idempotent commands). */
export class ModulePolicy {
  private readonly breaker;
  private readonly withRetries: IPolicy;
  private readonly onRefusal: IPolicy;

  constructor(
    private readonly module: string,
    private readonly settings: ResilienceSettings,
  ) {
    this.breaker = circuitBreaker(handleWhen(moduleFailed), {
      halfOpenAfter: settings.halfOpenMs,
      breaker: new ConsecutiveBreaker(Math.max(1, settings.breakerThreshold)),
    });
    const limit = bulkhead(Math.max(1, settings.bulkheadLimit), settings.bulkheadQueue);
    const backoff = () => new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 });
    const retries = retry(handleWhen((error) => (error instanceof SeamUnavailableError && !error.fastFail) || isRefusal(error)), {
      maxAttempts: settings.queryRetries,
      backoff: backoff(),
    });
    // The breaker is outermost: it counts calls, not attempts, and an open circuit stops the retries too.
    this.withRetries = wrap(this.breaker, retries, limit);
    // Any message, whatever its kind, is taken to another replica when a host refused it
    // unhandled (shutting down): it cannot have taken effect there.
    this.onRefusal = wrap(this.breaker, retry(handleWhen(isRefusal), { maxAttempts: settings.queryRetries, backoff: backoff() }), limit);
  }

  /** The breaker's state, for health and metrics: `closed`, `open`, `half-open` or `isolated`. */
  get state(): string {
    return ['closed', 'open', 'half-open', 'isolated'][this.breaker.state] ?? String(this.breaker.state);
  }

  /**
   * Runs `call` under the breaker and the bulkhead, retried when unreachable if `retriable`
   * (queries, idempotent commands), and whatever it is when a host refused it unhandled.
   */
  async execute<T>(retriable: boolean, call: () => Promise<T>): Promise<T> {
    // Counted so that a refusal can say whether any attempt left the process (`sent`): a retry
    // turned away by the bulkhead follows an attempt whose outcome is unknown.
    let attempts = 0;
    const attempt = () => {
      attempts++;
      return call();
    };
    try {
      return await (retriable ? this.withRetries : this.onRefusal).execute(attempt);
    } catch (error) {
      const retryAfterSeconds = Math.max(1, Math.ceil(this.settings.halfOpenMs / 1000));
      if (error instanceof BrokenCircuitError) {
        throw new SeamUnavailableError(this.module, 'its circuit breaker is open after repeated failures', {
          retryAfterSeconds,
          fastFail: true,
          sent: attempts > 0,
        });
      }
      if (error instanceof BulkheadRejectedError) {
        throw new SeamUnavailableError(this.module, 'too many calls to it are already under way', { retryAfterSeconds: 1, fastFail: true, sent: attempts > 0 });
      }
      throw error;
    }
  }
}

import { DomainError } from './domain-error';

/**
 * A dependency this process needs (its database) cannot be reached right now: 503 with
 * `Retry-After`, the same answer in process and across the seam. The kernel turns connection
 * failures into this error where they surface (HTTP problem responses, the seam's replies),
 * so an outage is an expected, retryable answer, never a 500.
 */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'database.unavailable';
  readonly kind = 'unavailable';

  constructor(reason: string) {
    super(`The database is unavailable (${reason}); try again shortly`, { retryAfterSeconds: 2 });
  }
}

/** PostgreSQL's SQLSTATEs for a server going away, starting up or refusing connections. */
const UNAVAILABLE_STATES = /^(08...|57P01|57P02|57P03|53300)$/;
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command/i;

/**
 * The typed error for a failure that means "the database cannot be reached", or undefined for
 * any other failure. Looks through TypeORM's `driverError` and an `AggregateError`'s parts.
 */
export function asUnavailable(error: unknown): DependencyUnavailableError | undefined {
  if (error instanceof DependencyUnavailableError) return error;
  for (const candidate of causes(error)) {
    const { code, message } = candidate as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return new DependencyUnavailableError(String(message || code).slice(0, 200));
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return new DependencyUnavailableError(message.slice(0, 200));
  }
  return undefined;
}

/**
 * A write that would duplicate a unique key (PostgreSQL 23505) and that the handler did not catch:
 * 409, the same answer in process and across the seam, naming the constraint (not the values).
 */
export class UniqueViolationError extends DomainError {
  readonly code = 'persistence.unique-violation';
  readonly kind = 'conflict';

  constructor(constraint: string | undefined) {
    super(`It already exists${constraint ? ` (${constraint})` : ''}`, constraint ? { constraint } : {});
  }
}

/** The typed error for a unique violation (through TypeORM's `driverError` and causes), or undefined. */
export function asConflict(error: unknown): UniqueViolationError | undefined {
  if (error instanceof UniqueViolationError) return error;
  if (error instanceof DomainError) return undefined;
  for (const candidate of causes(error)) {
    const { code, constraint } = candidate as { code?: unknown; constraint?: unknown };
    if (code === '23505') return new UniqueViolationError(typeof constraint === 'string' ? constraint.slice(0, 63) : undefined);
  }
  return undefined;
}

function causes(error: unknown, depth = 0): unknown[] {
  if (typeof error !== 'object' || error === null || depth > 4) return [];
  const { driverError, cause, errors } = error as { driverError?: unknown; cause?: unknown; errors?: unknown };
  return [
    error,
    ...causes(driverError, depth + 1),
    ...causes(cause, depth + 1),
    ...(Array.isArray(errors) ? errors.flatMap((part) => causes(part, depth + 1)) : []),
  ];
}

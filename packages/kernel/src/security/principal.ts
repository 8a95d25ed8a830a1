import { DomainError } from '../primitives';
import { type Principal, RequestContexts } from '../context';

export type { Principal } from '../context';

export class UnauthenticatedError extends DomainError {
  readonly code = 'auth.unauthenticated';
  readonly kind = 'unauthorized';
}

/**
 * The issuer's keys cannot be fetched right now (its JWKS endpoint down, slow, or answering
 * an error): the token may well be valid, so the answer is 503 with Retry-After, not 401.
 */
export class AuthUnavailableError extends DomainError {
  readonly code = 'auth.unavailable';
  readonly kind = 'unavailable';

  constructor(reason: string) {
    super(`The token issuer's keys cannot be fetched (${reason}); try again shortly`, { retryAfterSeconds: 5 });
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'auth.forbidden';
  readonly kind = 'forbidden';
}

/** The principal of the current request or message, if any. */
export function currentPrincipal(): Principal | undefined {
  return RequestContexts.current()?.principal;
}

/** Whether the current principal is a user with one of `roles`. */
export function userHasRole(principal: Principal | undefined, ...roles: string[]): boolean {
  return principal?.kind === 'user' && principal.roles.some((role) => roles.includes(role));
}

/**
 * Whether the current work is the deployment's own: a service principal, set by the work
 * itself (`RequestContexts.runAsService`, the relay). No principal is not the deployment: it
 * is nobody, and nobody may do anything (fail closed).
 */
export function isInternal(principal: Principal | undefined): boolean {
  return principal?.kind === 'service';
}

/**
 * For handlers acting on something a user owns: the current principal may act on `owner`'s
 * behalf when it is that user, a user with one of `anyOwnerRoles` (the app's role names: the
 * kernel knows none), or the deployment itself. Anyone else gets `ForbiddenError`.
 */
export function assertMayActFor(owner: string | null | undefined, what: string, ...anyOwnerRoles: string[]): void {
  const principal = currentPrincipal();
  if (!principal) throw new UnauthenticatedError(`Nobody may act on ${what}: this work acts for no user and no service`);
  if (isInternal(principal)) return;
  if (principal?.kind === 'user' && (userHasRole(principal, ...anyOwnerRoles) || (owner != null && principal.subject === owner))) return;
  throw new ForbiddenError(`Not allowed to act on ${what}`, { reason: 'not the owner' });
}

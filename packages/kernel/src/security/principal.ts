import { DomainError } from '../primitives';
import { type Principal, RequestContexts } from '../context';

export type { Principal } from '../context';

export class UnauthenticatedError extends DomainError {
  readonly code = 'auth.unauthenticated';
  readonly kind = 'unauthorized';
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
 * Whether the current work is the deployment's own: a service principal, or no principal at
 * all. Every HTTP request but the public routes (health, metrics) gets its user from the
 * guard, and every message from another process gets one from the seam, so work without one
 * is code of this process running outside any request (a job, a test calling the seam).
 */
export function isInternal(principal: Principal | undefined): boolean {
  return principal === undefined || principal.kind === 'service';
}

/**
 * For handlers acting on something a user owns: the current principal may act on `owner`'s
 * behalf when it is that user, a user with one of `anyOwnerRoles` (the app's role names: the
 * kernel knows none), or the deployment itself. Anyone else gets `ForbiddenError`.
 */
export function assertMayActFor(owner: string | null | undefined, what: string, ...anyOwnerRoles: string[]): void {
  const principal = currentPrincipal();
  if (isInternal(principal)) return;
  if (principal?.kind === 'user' && (userHasRole(principal, ...anyOwnerRoles) || (owner != null && principal.subject === owner))) return;
  throw new ForbiddenError(`Not allowed to act on ${what}`, { reason: 'not the owner' });
}

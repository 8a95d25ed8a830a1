/**
 * The bottom layer of the kernel beside the primitives: what the current unit of work knows
 * about where it comes from (correlation, causation, deadline, identity, principal). The
 * seam, security, observability, persistence and the HTTP edge all build on it.
 */
export { RequestContexts } from './request-context';
export type { RequestContext, InboxClaim, Principal } from './request-context';
export { InvalidOptionError, wholeNumber, wholeNumbers } from './option-checks';
export { Lifecycle } from './lifecycle';

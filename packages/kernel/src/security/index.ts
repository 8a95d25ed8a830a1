export { UnauthenticatedError, AuthUnavailableError, ForbiddenError, currentPrincipal, userHasRole, assertMayActFor, isInternal } from './principal';
export type { Principal } from './principal';
export { authSettings, DEV_ISSUER } from './auth-settings';
export type { AuthOptions, AuthSettings } from './auth-settings';
export { TokenVerifier } from './token-verifier';
export { ServiceCredentials, sealOf, sealKey, MAX_DEADLINE_AHEAD_MS } from './service-credentials';
export type { ActingAs, Sealable } from './service-credentials';
export { signDevToken, devSigningKey, devServiceSecret, DevKeyFolderError } from './dev-issuer';
export { SeamSecurity } from './seam-security';

/**
 * The roles catalog checks, by the names the shop's token issuer gives them (the kernel knows no
 * role: `@Authenticated(...roles)` and `userHasRole` take the app's names). Every name here
 * must be one of the shop's roles (src/host/roles.ts; test/security/roles.spec.ts checks).
 */
export const CATALOG_ROLES = { admin: 'admin' } as const;

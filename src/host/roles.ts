/**
 * The shop's roles: the names its token issuer puts in a user's roles claim. The kernel knows
 * no role (it keeps the mechanism: `@Authenticated(...roles)`, `userHasRole`, `assertMayActFor`);
 * each module names the roles it checks in `modules/<m>/<m>.roles.ts`, and
 * test/security/roles.spec.ts checks those are all listed here.
 */
export const SHOP_ROLES = { customer: 'customer', admin: 'admin' } as const;

// @uses-modules catalog, inventory, ordering, payments
import * as security from '@seams/kernel/security';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFESTS } from '../../src/host/manifests';
import { SHOP_ROLES } from '../../src/host/roles';

/** The roles a module checks are the shop's, not the kernel's: each module names them in `<m>.roles.ts`. */
describe("the shop's roles", () => {
  const known: string[] = Object.values(SHOP_ROLES);

  it.each(MANIFESTS.map((manifest) => manifest.name))('%s checks only roles the shop issues', (module) => {
    const file = join(__dirname, '..', '..', 'modules', module, `${module}.roles.ts`);
    if (!existsSync(file)) return; // a module that checks no role needs no roles file
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = Object.values(require(file) as Record<string, Record<string, string>>);
    const names = exported.flatMap((roles) => Object.values(roles));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(known).toContain(name);
  });

  it('are not exported by the kernel', () => {
    expect((security as Record<string, unknown>).ROLES).toBeUndefined();
  });
});

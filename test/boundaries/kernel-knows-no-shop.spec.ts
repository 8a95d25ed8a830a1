import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MANIFESTS } from '../../src/host/manifests';
import { SHOP_ROLES } from '../../src/host/roles';
import { SHOP_PROBLEMS } from '../../src/host/problems';

/**
 * The kernel knows no module and no shop word: the shop's module names, its roles, its
 * problem type namespace and its vocabulary live in the shop (modules/, src/host), and reach
 * the kernel as options. Generic words that happen to overlap (the SQL `ORDER BY`, "in
 * order", `OutboxAdmin`, PostgreSQL's system catalogs) are not shop words: the patterns
 * below match the shop's identifiers, not English.
 */
const KERNEL = join(__dirname, '..', '..', 'packages', 'kernel', 'src');

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const SHOP_WORDS: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  ...MANIFESTS.map((manifest) => ({ what: `the module name "${manifest.name}"`, pattern: new RegExp(`\\b${manifest.name}\\b`, 'i') })),
  ...Object.values(SHOP_ROLES).map((role) => ({ what: `the role "${role}"`, pattern: new RegExp(`['"\`]${role}['"\`]`) })),
  { what: 'the shop problem type namespace', pattern: new RegExp(escape(SHOP_PROBLEMS.typeNamespace)) },
  { what: 'a shop word', pattern: /\b(shop|customers?|customerId|payments?|orders|orderId|OrderPlaced|placeOrder|place-order)\b/i },
  { what: 'a shop role table', pattern: /\bROLES\s*=/ },
  { what: 'a shop product code', pattern: /\bTEA-\d/ },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line: what` for every shop word in `text`. */
function shopWordsIn(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, index) =>
    SHOP_WORDS.filter(({ pattern }) => pattern.test(line)).map(({ what }) => `${file}:${index + 1}: ${what}: ${line.trim()}`),
  );
}

describe('the kernel knows no shop', () => {
  it('has no shop word in any source file (module names, roles, problem namespace, vocabulary)', () => {
    const files = sources(KERNEL);
    expect(files.length).toBeGreaterThan(40);
    const found = files.flatMap((file) => shopWordsIn(relative(KERNEL, file), readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('reports each kind of shop word (the check is not blind)', () => {
    const fixture = [
      // (a registered module's name; with every module removed there is none to look for)
      `static readonly wire = '${MANIFESTS[0]?.name ?? 'none'}.reserve-stock.v1';`,
      "export const ROLES = { customer: 'customer', admin: 'admin' } as const;",
      "type: 'urn:seams:problem:seam.unavailable',",
      "example: 'Not enough stock of TEA-1',",
      '/** e.g. `orderId` */',
      'a catalog of PaymentDeclined payments',
    ].join('\n');
    const found = shopWordsIn('fixture.ts', fixture);
    for (const line of MANIFESTS.length > 0 ? [1, 2, 3, 4, 5, 6] : [2, 3, 4, 5, 6]) expect(found.some((hit) => hit.startsWith(`fixture.ts:${line}:`))).toBe(true);
    // Generic words are not shop words.
    expect(shopWordsIn('generic.ts', 'SELECT * FROM t ORDER BY position; // in order; OutboxAdmin; customErrorMessage; pg_catalog')).toEqual([]);
  });
});

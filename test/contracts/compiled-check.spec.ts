import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { admitterOf, checkerOf, compileCheck, onVerifiedZod, Refused, type Schema, VERIFIED_ZOD, z as kernelZod } from '@seams/kernel/primitives';
import { MANIFESTS } from '../../src/host/manifests';

/**
 * The Zod the schemas below are made with: the kernel's, or with `SEAMS_ZOD_UNDER_TEST` (a
 * folder holding another install of `zod`) that one: `.ci/run` installs the newest Zod the
 * kernel's range allows and runs this file against it, so a patch release that changes the
 * internals the compiler reads is caught before a user installs it.
 */
const ZOD_DIR = process.env.SEAMS_ZOD_UNDER_TEST ?? join(__dirname, '..', '..', 'node_modules', 'zod');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a Zod chosen at run time
const z = (process.env.SEAMS_ZOD_UNDER_TEST ? require(ZOD_DIR) : kernelZod) as typeof kernelZod;
const ZOD_VERSION = (JSON.parse(readFileSync(join(ZOD_DIR, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The compiled check (ADR 0017) must give Zod's verdict on every payload: the hot path trusts
 * its "fits", and only its "does not fit" is handed to Zod. Random payloads, both fitting and
 * not, are made from each schema's own definition (values near every bound, missing and extra
 * keys, wrong types, strings with surrogate pairs, noise) for every shop contract and for
 * schemas with every kind of field.
 */

/** The parts of a Zod 4 schema's definition the payload makers read. */
interface Def {
  readonly type: string;
  readonly checks?: readonly Node[];
  readonly pattern?: RegExp;
  readonly shape?: Record<string, Node>;
  readonly innerType: Node;
  readonly element: Node;
  readonly options: readonly Node[];
  readonly check?: string;
  readonly maximum: number;
  readonly minimum: number;
  readonly length: number;
  readonly value: number;
}
type Node = { _zod: { def: Def; traits: Set<string>; values?: Set<unknown> } };

/** Anything at all, in place of a value (wrong types, odd numbers, nested junk). */
const noise = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom(undefined, null, NaN, Infinity, -Infinity, -0, 1.5, '', [], {}, true, 2 ** 53, -(2 ** 53), '\uD83D\uDE00'),
);

function lengthOf(def: Def): { min: number; max: number } {
  let min = 0;
  let max = 20;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'max_length') max = c.maximum;
    if (c.check === 'min_length') min = c.minimum;
    if (c.check === 'length_equals') min = max = c.length;
  }
  return { min, max };
}

/** Mostly values near what `node` accepts (often fitting), sometimes anything. */
function near(node: Node): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: valid(node) }, { weight: 4, arbitrary: shaped(node) }, { weight: 1, arbitrary: noise });
}

/** Values meant to fit `node` (the test counts how many Zod accepts). */
function valid(node: Node): fc.Arbitrary<unknown> {
  const { def, traits, values } = node._zod;
  switch (def.type) {
    case 'string': {
      const pattern: RegExp | undefined = [...(traits.has('$ZodCheck') ? [def.pattern] : []), ...(def.checks ?? []).map((c: Node) => c._zod.def.pattern)].find(Boolean);
      const { min, max } = lengthOf(def);
      const bounded = (def.checks ?? []).some((c: Node) => c._zod.def.check === 'max_length' || c._zod.def.check === 'length_equals');
      if (!pattern) return fc.string({ minLength: min, maxLength: max });
      return bounded ? fc.stringMatching(pattern, { size: 'small' }).filter((text) => [...text].length >= min && [...text].length <= max) : fc.stringMatching(pattern);
    }
    case 'number':
      return fc.integer({ min: 1, max: 3 });
    case 'enum':
    case 'literal':
      return fc.constantFrom(...values!);
    case 'optional':
    case 'default':
    case 'nullable':
      return valid(def.innerType);
    case 'readonly':
      // Zod freezes what it parses: frozen values too, which are their own parse.
      return fc.oneof(valid(def.innerType), valid(def.innerType).map((value) => Object.freeze(value)));
    case 'union':
      return fc.oneof(...def.options.map(valid));
    case 'array': {
      const { min, max } = lengthOf(def);
      return fc.array(valid(def.element), { minLength: min, maxLength: Math.min(max, 4) });
    }
    case 'object': {
      const shape = def.shape as Record<string, Node>;
      return fc.record(Object.fromEntries(Object.keys(shape).map((key) => [key, valid(shape[key])])));
    }
    default:
      return shaped(node);
  }
}

function shaped(node: Node): fc.Arbitrary<unknown> {
  const { def, traits, values } = node._zod;
  switch (def.type) {
    case 'string': {
      const patterns: RegExp[] = [...(traits.has('$ZodCheck') ? [def.pattern] : []), ...(def.checks ?? []).map((c: Node) => c._zod.def.pattern)].filter((pattern): pattern is RegExp => pattern instanceof RegExp);
      const { min, max } = lengthOf(def);
      const options: fc.Arbitrary<string>[] = [
        fc.string({ minLength: Math.max(0, min - 1), maxLength: max + 1 }),
        fc.string({ unit: 'binary', minLength: Math.max(0, min - 1), maxLength: max + 2 }),
        fc.constantFrom('a'.repeat(max), '\uD83D\uDE00'.repeat(max), 'a'.repeat(max + 1), 'A'.repeat(Math.max(min, 1))),
      ];
      for (const pattern of patterns) {
        const matching = fc.stringMatching(pattern);
        options.push(matching, matching, matching.map((text) => text.toLowerCase()), matching.map((text) => `${text}x`), matching.map((text) => text.slice(1)));
      }
      return fc.oneof(...options);
    }
    case 'number': {
      let lo = -1000;
      let hi = 1000;
      for (const check of [...(traits.has('$ZodCheck') ? [node] : []), ...(def.checks ?? [])]) {
        const c = check._zod.def;
        if (c.check === 'greater_than') lo = c.value;
        if (c.check === 'less_than') hi = c.value;
      }
      lo = Math.max(lo, -1e6);
      hi = Math.min(hi, 1e6);
      return fc.oneof(fc.integer({ min: Math.floor(lo) - 2, max: Math.ceil(hi) + 2 }), fc.double({ min: lo - 2, max: hi + 2 }), fc.constantFrom(lo, hi, lo - 1, hi + 1, lo + 0.5, 2 ** 53, NaN));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'enum':
    case 'literal':
      return fc.oneof(fc.constantFrom(...values!), fc.string({ maxLength: 8 }), fc.integer());
    case 'optional':
    case 'default':
      return fc.oneof(fc.constant(undefined), near(def.innerType));
    case 'nullable':
      return fc.oneof(fc.constant(null), near(def.innerType));
    case 'readonly':
      return near(def.innerType);
    case 'union':
      return fc.oneof(...def.options.map(near));
    case 'array': {
      const { min, max } = lengthOf(def);
      return fc.array(near(def.element), { minLength: Math.max(0, min - 1), maxLength: Math.min(max + 1, 12) });
    }
    case 'object': {
      const shape = def.shape as Record<string, Node>;
      const keys = Object.keys(shape);
      const record = fc.record(Object.fromEntries(keys.map((key) => [key, near(shape[key])])), { requiredKeys: [] });
      const full = fc.record(Object.fromEntries(keys.map((key) => [key, shaped(shape[key])])));
      const extra = fc.dictionary(fc.constantFrom('extra', 'x', keys[0] ?? 'y', '__proto__', 'constructor'), noise, { maxKeys: 2 });
      return fc.oneof(full, full, record, fc.tuple(full, extra).map(([a, b]) => ({ ...b, ...a })), fc.tuple(record, extra).map(([a, b]) => ({ ...a, ...b })));
    }
    default:
      throw new Error(`No payload maker for ${def.type}`);
  }
}

/** Zod's own verdict, through Standard Schema. */
function zodAccepts(schema: Schema, value: unknown): boolean {
  const result = schema['~standard'].validate(value) as { issues?: unknown };
  return !result.issues;
}

function agrees(name: string, schema: Schema): void {
  const compiled = compileCheck(schema);
  if (!compiled) throw new Error(`${name}: not compiled`);
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(fc.oneof(valid(schema as unknown as Node), near(schema as unknown as Node)), (value) => {
      const verdict = zodAccepts(schema, value);
      if (verdict) accepted++;
      else refused++;
      expect({ name, value, compiled: compiled(value) }).toEqual({ name, value, compiled: verdict });
    }),
    { numRuns: 600 },
  );
  // The generator must reach both verdicts, or the property proves little.
  expect({ name, accepted: accepted > 30, refused: refused > 30 }).toEqual({ name, accepted: true, refused: true });
}

/** Whether two values are the same data: the same keys (one holding undefined counts), the same values (Object.is), whatever their prototypes. */
function sameData(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** What a module host gives its handler: Zod's parse of the value's JSON copy, or undefined when it refuses it (or it is no JSON). */
function hostParse(schema: Schema, value: unknown): { value: unknown } | undefined {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return undefined;
  }
  const result = schema['~standard'].validate(copy) as { issues?: unknown; value?: unknown };
  return result.issues ? undefined : { value: result.value };
}

/**
 * The admission must give what a module host gives its handler (Zod's parse of the payload's
 * JSON) for every payload, the value itself when the exact form says it is that already, and
 * refuse what a host refuses. Values that are already their parse must come up often, or the
 * property proves little.
 */
function admitsAsZodParses(name: string, schema: Schema): void {
  const exact = compileCheck(schema, { exact: true });
  if (!exact) throw new Error(`${name}: not compiled`);
  const admit = admitterOf(schema);
  let same = 0;
  let parsed = 0;
  fc.assert(
    fc.property(fc.oneof(valid(schema as unknown as Node), near(schema as unknown as Node)), (value) => {
      const zod = hostParse(schema, value);
      const admitted = admit(value);
      if (!zod) return void expect(admitted).toBeInstanceOf(Refused);
      if (!sameData(admitted, zod.value)) expect({ name, value, admitted }).toEqual({ name, value, admitted: zod.value });
      if (exact(value)) {
        same++;
        expect(admitted).toBe(value);
      } else {
        parsed++;
      }
    }),
    { numRuns: 600 },
  );
  expect({ name, same: same > 30 }).toEqual({ name, same: true });
  return void parsed;
}

// The shop's contracts are made with the kernel's Zod: only checked on it.
const contracts = process.env.SEAMS_ZOD_UNDER_TEST ? [] : MANIFESTS.flatMap((manifest) => manifest.contract);

const kinds = {
  optionalNullable: z.object({ a: z.string().max(5).optional(), b: z.int().nullable(), c: z.string().min(2).max(4).nullable().optional(), d: z.boolean().default(false) }),
  enumsAndLiterals: z.object({ speed: z.enum(['standard', 'express']), one: z.literal(1), either: z.literal(['a', 'b']) }),
  unions: z.object({ ref: z.union([z.string().min(1).max(20), z.int().min(0)]), maybe: z.union([z.null(), z.number().gt(0).lt(10)]) }),
  discriminated: z.object({
    payer: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('sender'), accountId: z.string().max(20) }),
      z.object({ kind: z.literal('receiver'), phone: z.string().regex(/^\+[0-9]{6,15}$/) }),
    ]),
  }),
  bounded: z.object({ w: z.int().min(1).max(30_000), f: z.number().min(-1.5).max(2.5), u: z.uint32(), lines: z.array(z.object({ q: z.int().positive() })).min(1).max(3) }),
  strings: z.object({ g: z.guid(), u: z.uuid(), e: z.email(), exact: z.string().length(3), dt: z.iso.datetime() }),
  strictAndLoose: z.object({ inner: z.strictObject({ a: z.int() }), open: z.looseObject({ b: z.string().max(3) }) }),
  exactOptional: z.object({ a: z.string().max(2).exactOptional(), r: z.array(z.int()).max(2).readonly() }),
  bare: z.object({ flag: z.boolean(), none: z.null(), flags: z.array(z.boolean()).max(3), either: z.union([z.boolean(), z.null()]) }),
  defaults: z.object({ note: z.string().max(5).default('none'), n: z.int().max(9).default(0).optional(), inner: z.object({ flag: z.boolean().default(true) }).optional() }),
  overlappingUnion: z.object({ u: z.union([z.object({ a: z.int().max(5) }), z.object({ a: z.int().max(5), b: z.string().max(3) })]) }),
};

describe(`the compiled check of a contract schema (zod ${ZOD_VERSION})`, () => {
  // Every registered module's contract (none left after `module:remove` of them all; the field kinds below still run).
  if (contracts.length > 0) {
    it.each(contracts.map((type) => [type.wire, type.schema] as const))('gives Zod’s verdict on random payloads of %s', (name, schema) => {
      agrees(name, schema);
    });
  }

  if (contracts.length > 0) {
    it.each(contracts.map((type) => [type.wire, type.schema] as const))('admits random payloads of %s as Zod parses them', (name, schema) => {
      admitsAsZodParses(name, schema);
    });
  }

  it.each(Object.entries(kinds))('gives Zod’s verdict on random payloads of a schema with %s fields', (name, schema) => {
    agrees(name, schema);
  });

  it.each(Object.entries(kinds))('admits a payload of a schema with %s fields as Zod parses it (the value itself when it is its own parse)', (name, schema) => {
    admitsAsZodParses(name, schema);
  });

  it('admits a payload with a key the contract strips, or a default to fill in, as Zod’s parsed copy', () => {
    const admit = admitterOf(kinds.overlappingUnion);
    const whole = { u: { a: 1, b: 'x' } };
    // The first option fits and strips b: Zod's answer, not the value given.
    expect(admit(whole)).toStrictEqual({ u: { a: 1 } });
    const plain = { u: { a: 1 } };
    expect(admit(plain)).toBe(plain);
    expect(admitterOf(kinds.defaults)({})).toStrictEqual({ note: 'none', n: 0 });
    expect(admitterOf(kinds.defaults)({ note: 'x', n: 1, extra: 1 })).toStrictEqual({ note: 'x', n: 1 });
    const transformed = z.object({ a: z.string().max(3).transform((text) => text.toUpperCase()) });
    expect(admitterOf(transformed)({ a: 'abc' })).toStrictEqual({ a: 'ABC' });
    expect(admitterOf(transformed)({ a: 'abcd' })).toEqual(new Refused([{ path: 'a', message: expect.stringContaining('<=3') }]));
  });

  it('counts a string’s length in code points, as Zod does', () => {
    const check = compileCheck(z.object({ s: z.string().max(2) }))!;
    expect(check({ s: '\uD83D\uDE00\uD83D\uDE00' })).toBe(true);
    expect(check({ s: 'abc' })).toBe(false);
  });

  it('leaves a schema it does not understand to Zod, which still refuses what it refuses', () => {
    const refined = z.object({ a: z.int() }).refine((payload) => payload.a % 2 === 0, 'a must be even');
    const transformed = z.object({ a: z.string().transform((text) => text.length) });
    const url = z.object({ site: z.url() });
    for (const schema of [refined, transformed, url, z.object({ n: z.coerce.number() }), z.object({ m: z.number().multipleOf(3) })]) expect(compileCheck(schema)).toBeUndefined();
    const check = checkerOf(refined);
    expect(check({ a: 2 })).toBeUndefined();
    expect(check({ a: 3 })).toEqual([{ path: '(payload)', message: 'a must be even' }]);
    expect(checkerOf(url)({ site: 'not a url' })).toEqual([{ path: 'site', message: expect.any(String) }]);
  });

  it('compiles only schemas of the Zod line it was verified on; any other is left to Zod (slower, never wrong)', () => {
    expect(ZOD_VERSION.split('.').slice(0, 2).join('.')).toBe(`${VERIFIED_ZOD.major}.${VERIFIED_ZOD.minor}`);
    const kernelRange = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'packages', 'kernel', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.zod;
    expect(kernelRange).toMatch(new RegExp(`^~${VERIFIED_ZOD.major}\\.${VERIFIED_ZOD.minor}\\.`)); // patch updates only: internals may change in a minor
    expect(semver.satisfies(ZOD_VERSION, kernelRange)).toBe(true);
    const schema = z.object({ n: z.int().max(3) });
    expect(onVerifiedZod(schema)).toBe(true);
    expect(compileCheck(schema)).toBeDefined();
    // The same schema as a Zod of another minor would make it: not compiled, and Zod still refuses what it refuses.
    const other = z.object({ n: z.int().max(3) });
    const internals = (other as unknown as { _zod: { version: { minor: number } } })._zod;
    internals.version = { ...internals.version, minor: VERIFIED_ZOD.minor + 1 };
    expect(compileCheck(other)).toBeUndefined();
    expect(checkerOf(other)({ n: 4 })).toEqual([{ path: 'n', message: expect.stringContaining('<=3') }]);
  });

  it('answers Zod’s issues for a payload the compiled check refuses', () => {
    const schema = z.object({ orderId: z.guid(), lines: z.array(z.object({ sku: z.string().max(64), quantity: z.int().min(1) })).max(100) });
    expect(checkerOf(schema)({ orderId: 'x', lines: [{ sku: 'A', quantity: 0 }] })).toEqual([
      { path: 'orderId', message: 'Invalid GUID' },
      { path: 'lines[0].quantity', message: expect.stringContaining('>=1') },
    ]);
  });
});

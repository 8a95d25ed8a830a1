/**
 * A compiled accept/reject check of a contract schema, for the hot path (ADR 0017).
 *
 * Zod stays the one source of truth: it declares the contract, gives its types, JSON Schema
 * and error details. But asking Zod costs about 1-2 µs for an order-like payload (a payload
 * object and issue list per node, the check pipeline), several times a local dispatch. So the
 * first time a schema is checked, its Zod definition is read once and turned into one plain JS
 * function (`new Function`) that answers only "fits" or "does not fit", with no allocation.
 * When it says "fits", the message goes on; when it says "does not fit", Zod runs and its
 * issues make the typed error (and Zod's verdict wins, should the two ever differ).
 *
 * Only constructs whose Zod semantics are copied here exactly are compiled: objects (strip,
 * strict and loose), arrays, strings (length bounds in code points, regex and pattern-only
 * formats), numbers (bounds, int and float formats), booleans, null, enums, literals,
 * optional, exact optional, nullable, default, readonly, unions and discriminated unions.
 * Anything else anywhere in the schema (a refinement, transform, pipe, lazy, coercion, a
 * format with more than a pattern, a schema of another library, ...) leaves the schema
 * uncompiled and every check goes to `~standard.validate`. test/contracts/compiled-check.spec.ts
 * proves both verdicts agree on random valid and invalid payloads (fast-check).
 */

/**
 * The Zod release line whose internals (`_zod.def`, `traits`, `propValues`, ...) this compiler
 * was verified on (test/contracts/compiled-check.spec.ts, fast-check against Zod's own verdict).
 * The kernel depends on `zod` within this minor (`~4.6.x`); a schema of any other version is
 * not compiled, so a change in Zod's internals can only make checks slower, never let through
 * what Zod refuses.
 */
export const VERIFIED_ZOD = { major: 4, minor: 6 } as const;

/** Whether `schema` comes from the verified Zod line (its `_zod.version`). */
export function onVerifiedZod(schema: unknown): boolean {
  const version = (schema as { _zod?: { version?: { major?: unknown; minor?: unknown } } } | null)?._zod?.version;
  return version?.major === VERIFIED_ZOD.major && version?.minor === VERIFIED_ZOD.minor;
}

/** Zod 4 internals read here (from `schema._zod`); any other shape is not compiled. */
interface ZodNode {
  readonly _zod: {
    readonly def: ZodDef;
    readonly traits: Set<string>;
    readonly optin?: 'optional' | 'defaulted';
    readonly optout?: 'optional';
    readonly propValues?: Record<string, Set<unknown>>;
    readonly values?: Set<unknown>;
  };
}

interface ZodDef {
  readonly type: string;
  readonly checks?: readonly ZodNode[];
  readonly coerce?: boolean;
  readonly shape?: Record<string, ZodNode>;
  readonly catchall?: ZodNode;
  readonly element?: ZodNode;
  readonly innerType?: ZodNode;
  readonly options?: readonly ZodNode[];
  readonly discriminator?: string;
  readonly unionFallback?: boolean;
  readonly inclusive?: boolean;
  // checks
  readonly check?: string;
  readonly when?: unknown;
  readonly maximum?: number;
  readonly minimum?: number;
  readonly length?: number;
  readonly value?: unknown;
  readonly format?: string;
  readonly pattern?: RegExp;
}

/** String formats whose whole check is their pattern (the others, e.g. url or jwt, check more). */
const PATTERN_FORMATS = new Set([
  'regex', 'guid', 'uuid', 'email', 'emoji', 'nanoid', 'cuid', 'cuid2', 'ulid', 'xid', 'ksuid',
  'datetime', 'date', 'time', 'duration', 'ipv4', 'cidrv4', 'e164', 'lowercase', 'uppercase', 'hex',
]);

/** Number formats and their ranges, as Zod's `NUMBER_FORMAT_RANGES`. */
const NUMBER_FORMATS: Record<string, readonly [number, number]> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
};

/** Node types that are wrappers or leaves compiled below; others (pipe, transform, lazy, custom, ...) are not. */
const SUPPORTED = new Set(['object', 'array', 'string', 'number', 'boolean', 'null', 'enum', 'literal', 'optional', 'nullable', 'default', 'readonly', 'union']);

/** Traits of Zod types that share a supported `def.type` but behave differently. */
const UNSUPPORTED_TRAITS = ['$ZodXor', '$ZodURL', '$ZodIPv6', '$ZodCIDRv6', '$ZodBase64', '$ZodBase64URL', '$ZodCreditCard', '$ZodIBAN', '$ZodJWT', '$ZodCustomStringFormat', '$ZodTemplateLiteral'];

/** High surrogate followed by a low one: a code point of two UTF-16 units. */
const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/** The length of `text` in Unicode code points, as Zod measures string lengths. */
function codePoints(text: string): number {
  if (!HIGH_SURROGATE.test(text)) return text.length;
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/** Zod's `z.guid()` pattern, checked by `isGuid` without the regex engine (the regex was most of a check). */
const GUID_SOURCE = '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$';

/** Whether `text` matches `GUID_SOURCE`: 36 characters, dashes at 8, 13, 18 and 23, hex digits elsewhere. */
function isGuid(text: string): boolean {
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) {
      return false;
    }
  }
  return true;
}

class Unsupported extends Error {}

/** Emits the source of one function of `value` per object, array and union node, and collects the constants they use. */
class Compiler {
  readonly functions: string[] = [];
  readonly constants: unknown[] = [];

  constant(value: unknown): string {
    this.constants.push(value);
    return `k${this.constants.length - 1}`;
  }

  /**
   * A boolean JS expression: whether `v` (an identifier) fits `node`. With `exact`, whether it
   * fits, is JSON data that its JSON copy gives back (no undefined, no -0) and Zod's parse of it
   * is the same value (no key its schema does not name, no default to fill in, every `readonly`
   * part already frozen): then the value itself stands for what a module host parses from it.
   */
  expression(node: unknown, v: string, exact = false): string {
    const zod = (node as Partial<ZodNode> | null)?._zod;
    const def = zod?.def;
    if (!zod || !def || typeof def.type !== 'string' || !(zod.traits instanceof Set)) throw new Unsupported('not a Zod 4 schema');
    if (!SUPPORTED.has(def.type)) throw new Unsupported(def.type);
    for (const trait of UNSUPPORTED_TRAITS) if (zod.traits.has(trait)) throw new Unsupported(trait);
    if (def.coerce) throw new Unsupported('coerce');
    const base = this.base(node as ZodNode, def, v, exact);
    // A schema that is itself a check (z.guid(), z.int()) runs first, then its def's checks.
    const checks = [...(zod.traits.has('$ZodCheck') ? [node as ZodNode] : []), ...(def.checks ?? [])];
    const parts = [base, ...checks.map((check) => this.check(check, def.type, v))];
    // Always parenthesised: callers negate it (`!typeof v === "boolean"` would be always false).
    return `(${parts.join(' && ')})`;
  }

  private base(node: ZodNode, def: ZodDef, v: string, exact: boolean): string {
    switch (def.type) {
      case 'string':
        return `typeof ${v} === "string"`;
      case 'number':
        // With `exact`, not -0 (its JSON is 0).
        return exact ? `(typeof ${v} === "number" && Number.isFinite(${v}) && (${v} !== 0 || 1 / ${v} > 0))` : `(typeof ${v} === "number" && Number.isFinite(${v}))`;
      case 'boolean':
        return `typeof ${v} === "boolean"`;
      case 'null':
        return `${v} === null`;
      case 'enum':
      case 'literal':
        // The set the schema itself checks against (an enum's values without a numeric enum's reverse keys).
        if (!(node._zod.values instanceof Set)) throw new Unsupported(`${def.type} values`);
        return `${this.constant(node._zod.values)}.has(${v})`;
      case 'optional':
        // With `exact`, undefined is not JSON data (a key holding it does not travel; an element becomes null).
        if (exact || node._zod.traits.has('$ZodExactOptional')) return this.expression(def.innerType, v, exact);
        return `(${v} === undefined || ${this.expression(def.innerType, v)})`;
      case 'default':
        // Zod fills an absent value in: not the same value.
        return exact ? this.expression(def.innerType, v, exact) : `(${v} === undefined || ${this.expression(def.innerType, v)})`;
      case 'nullable':
        return `(${v} === null || ${this.expression(def.innerType, v, exact)})`;
      case 'readonly':
        // Zod freezes what it parses: only a value already frozen is the same.
        return exact ? `(${this.expression(def.innerType, v, exact)} && (typeof ${v} !== "object" || ${v} === null || Object.isFrozen(${v})))` : this.expression(def.innerType, v);
      case 'array':
        return this.fn(`if (!Array.isArray(v)) return false; for (let i = 0; i < v.length; i++) { const e = v[i]; if (!${this.expression(def.element, 'e', exact)}) return false; } return true;`, v);
      case 'object':
        return this.object(def, v, exact);
      case 'union':
        return node._zod.traits.has('$ZodDiscriminatedUnion') ? this.discriminated(def, v, exact) : this.union(def, v, exact);
      default:
        throw new Unsupported(def.type);
    }
  }

  private object(def: ZodDef, v: string, exact: boolean): string {
    const shape = def.shape ?? {};
    if (Object.getOwnPropertySymbols(shape).length > 0) throw new Unsupported('symbol keys');
    const lines = ['if (typeof v !== "object" || v === null || Array.isArray(v)) return false;'];
    let i = 0;
    for (const key of Object.keys(shape)) {
      if (key === '__proto__') continue;
      const el = shape[key];
      const name = `p${i++}`;
      const k = JSON.stringify(key);
      const fits = this.expression(el, name, exact);
      const optin = el._zod.optin;
      const optout = el._zod.optout;
      // As Zod's handlePropertyResult: an absent key of an optional-in-and-out field is fine
      // whatever the field; otherwise the value must fit, and a required field must be there.
      // With `exact`, an absent key Zod would fill in (a default under the optional) is not the same value.
      const filled = exact && fillsAbsent(el);
      if (optin === 'optional' && optout === 'optional' && !filled) lines.push(`if (${k} in v) { const ${name} = v[${k}]; if (!${fits}) return false; }`);
      else if (optin !== undefined && optout === 'optional' && !filled) lines.push(`{ const ${name} = v[${k}]; if (!${fits} && ${k} in v) return false; }`);
      else if (optin !== undefined) lines.push(`{ const ${name} = v[${k}]; if (!${fits}) return false; }`);
      else lines.push(`{ const ${name} = v[${k}]; if (!${fits} || !(${k} in v)) return false; }`);
    }
    const catchall = def.catchall?._zod.def.type;
    if (catchall === 'never') {
      lines.push(`for (const key in v) if (!${this.constant(new Set(Object.keys(shape)))}.has(key)) return false;`);
    } else if (catchall !== undefined && catchall !== 'unknown' && catchall !== 'any') {
      throw new Unsupported(`catchall ${catchall}`);
    } else if (exact) {
      // A stripping object drops the keys its shape does not name; a loose one keeps them, with
      // whatever value (not JSON data, maybe): either way, such a key makes it not the same.
      lines.push(`for (const key in v) if (!${this.constant(new Set(Object.keys(shape)))}.has(key)) return false;`);
    }
    lines.push('return true;');
    return this.fn(lines.join('\n'), v);
  }

  private union(def: ZodDef, v: string, exact: boolean): string {
    const options = def.options ?? [];
    if (def.inclusive === false) throw new Unsupported('exclusive union');
    if (options.length === 0) return 'false';
    if (!exact) return `(${options.map((option) => this.expression(option, v)).join(' || ')})`;
    // Zod answers the first option that fits: that one must give the value back unchanged.
    return this.fn(`${options.map((option) => `if (${this.expression(option, 'v')}) return ${this.expression(option, 'v', true)};`).join('\n')}\nreturn false;`, v);
  }

  /** As Zod: an object whose discriminator value picks exactly one option, which must fit. */
  private discriminated(def: ZodDef, v: string, exact: boolean): string {
    if (def.unionFallback) throw new Unsupported('discriminated union with fallback');
    const d = def.discriminator;
    if (typeof d !== 'string') throw new Unsupported('discriminator');
    const picks = new Map<unknown, number | null>();
    const options = def.options ?? [];
    options.forEach((option, index) => {
      const values = option._zod.propValues?.[d];
      if (!values || values.size === 0) throw new Unsupported('discriminator values');
      for (const value of values) picks.set(value, picks.has(value) ? null : index);
    });
    // An undefined tag claimed by more than one option picks none (Zod drops it too).
    const lines = ['if (typeof v !== "object" || v === null || Array.isArray(v)) return false;', `switch (${this.constant(picks)}.get(v[${JSON.stringify(d)}])) {`];
    options.forEach((option, index) => lines.push(`case ${index}: return ${this.expression(option, 'v', exact)};`));
    lines.push('default: return false;', '}');
    return this.fn(lines.join('\n'), v);
  }

  private check(check: ZodNode, type: string, v: string): string {
    const def = check._zod.def;
    const lengthy = type === 'string' || type === 'array';
    switch (def.check) {
      case 'max_length':
        if (!lengthy) throw new Unsupported('max_length');
        return type === 'string' ? `(${v}.length <= ${num(def.maximum)} || ${this.constant(codePoints)}(${v}) <= ${num(def.maximum)})` : `${v}.length <= ${num(def.maximum)}`;
      case 'min_length':
        if (!lengthy) throw new Unsupported('min_length');
        return type === 'string' ? `(${v}.length >= ${num(def.minimum)} && ${this.constant(codePoints)}(${v}) >= ${num(def.minimum)})` : `${v}.length >= ${num(def.minimum)}`;
      case 'length_equals':
        if (!lengthy) throw new Unsupported('length_equals');
        return type === 'string' ? `${this.constant(codePoints)}(${v}) === ${num(def.length)}` : `${v}.length === ${num(def.length)}`;
      case 'string_format': {
        if (type !== 'string' || def.when !== undefined || !def.format || !PATTERN_FORMATS.has(def.format)) throw new Unsupported(`format ${def.format}`);
        if (!(def.pattern instanceof RegExp)) throw new Unsupported('format without pattern');
        if (def.pattern.source === GUID_SOURCE && def.pattern.flags === '') return `${this.constant(isGuid)}(${v})`;
        const pattern = this.constant(def.pattern);
        return def.pattern.global || def.pattern.sticky ? `(${pattern}.lastIndex = 0, ${pattern}.test(${v}))` : `${pattern}.test(${v})`;
      }
      case 'greater_than':
      case 'less_than': {
        if (type !== 'number' || def.when !== undefined || typeof def.value !== 'number') throw new Unsupported(def.check);
        const op = def.check === 'greater_than' ? (def.inclusive ? '>=' : '>') : def.inclusive ? '<=' : '<';
        return `${v} ${op} ${num(def.value)}`;
      }
      case 'number_format': {
        const range = def.format ? NUMBER_FORMATS[def.format] : undefined;
        if (type !== 'number' || def.when !== undefined || !range) throw new Unsupported(`number format ${def.format}`);
        const bounds = `${v} >= ${num(range[0])} && ${v} <= ${num(range[1])}`;
        return def.format!.includes('int') ? `(Number.isSafeInteger(${v}) && ${bounds})` : `(${bounds})`;
      }
      default:
        throw new Unsupported(`check ${def.check}`);
    }
  }

  /** A function of its own for a node that needs statements; the expression calls it. */
  private fn(body: string, v: string): string {
    this.functions.push(`function f${this.functions.length}(v) {\n${body}\n}`);
    return `f${this.functions.length - 1}(${v})`;
  }
}

/** Whether Zod gives an absent value of `node` a value: a default, under any optional, nullable or readonly. */
function fillsAbsent(node: ZodNode): boolean {
  const def = node._zod.def;
  if (def.type === 'default' || def.type === 'prefault') return true;
  return (def.type === 'optional' || def.type === 'nullable' || def.type === 'readonly') && def.innerType !== undefined && fillsAbsent(def.innerType);
}

/** A number as a JS literal, refusing anything that is not one. */
function num(value: unknown): string {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new Unsupported('bound');
  return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * The compiled check of a Zod 4 schema: a function answering whether a value fits (with
 * `exact`: fits and is its own parse, see `Compiler.expression`), or
 * `undefined` when the schema has something it does not compile (or code cannot be made at
 * run time), in which case the caller asks the schema itself.
 */
export function compileCheck(schema: unknown, options: { exact?: boolean } = {}): ((value: unknown) => boolean) | undefined {
  if ((schema as { '~standard'?: { vendor?: string } } | null)?.['~standard']?.vendor !== 'zod') return undefined;
  // Only on the Zod minor whose internals this compiler was verified on: on any other, Zod alone
  // decides (slower, never wrong), until the compiler is verified again and VERIFIED_ZOD raised.
  if (!onVerifiedZod(schema)) return undefined;
  const compiler = new Compiler();
  let root: string;
  try {
    root = compiler.expression(schema, 'value', options.exact === true);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const names = compiler.constants.map((_, i) => `k${i}`);
  const source = `"use strict";\n${compiler.functions.join('\n')}\nreturn function check(value) { return ${root}; };`;
  try {
    return new Function(...names, source)(...compiler.constants) as (value: unknown) => boolean;
  } catch {
    return undefined; // no code at run time here (e.g. a CSP without unsafe-eval): Zod checks alone
  }
}

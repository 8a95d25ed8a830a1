import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import * as z from 'zod';
import { compileCheck } from './compiled-check';

/**
 * Contract schemas. A message's static `schema` is declared once with Zod 4 (re-exported here
 * as `z`, so every contract uses the kernel's one copy; ADR 0015 says why Zod). Everything the
 * kernel does with a schema goes through the Standard Schema interfaces, not Zod's own API:
 *   - `validate` calls `schema['~standard'].validate` (Standard Schema v1);
 *   - `toJsonSchema` calls `schema['~standard'].jsonSchema.input` (Standard JSON Schema v1);
 *   - `Infer` reads the Standard Schema output type.
 * So another library that implements both interfaces works for a contract too.
 *
 * Rules for contract schemas: objects are `z.object` (unknown keys are dropped, not refused: a
 * newer sender may add optional fields), every string and array has a maximum, validation is
 * synchronous, and values are plain JSON data.
 */
export { z };

export interface Issue {
  /** Path into the payload, e.g. `lines[0].quantity`; `(payload)` for the payload itself. */
  readonly path: string;
  readonly message: string;
}

/** A contract schema: a Standard Schema that also converts itself to JSON Schema. */
export interface Schema<Output = unknown> {
  readonly '~standard': StandardSchemaV1.Props<unknown, Output> & StandardJSONSchemaV1.Props<unknown, Output>;
}

/** Data as a contract carries it: every object and array readonly. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The payload type a schema accepts (its output, readonly): `type StockLine = Infer<typeof stockLine>`. */
export type Infer<S extends StandardSchemaV1> = DeepReadonly<StandardSchemaV1.InferOutput<S>>;

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** `['lines', 0, 'quantity']` → `lines[0].quantity`. */
export function formatPath(path: StandardSchemaV1.Issue['path']): string {
  let text = '';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' ? segment.key : segment;
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text || '(payload)';
}

/**
 * Validates `value` against `schema` through `~standard.validate`: the cleaned value (keys the
 * schema does not know dropped), or the issues with their paths. Throws when the schema answers
 * asynchronously: contract checks run on the hot path, before any handler, and must not wait.
 */
export function validate<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): Validated<T> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new Error(`A contract schema must validate synchronously (${schema['~standard'].vendor} returned a promise)`);
  if (!result.issues) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
}

/** Whether a value fits a schema: `undefined` when it does, its issues when it does not. */
export type PayloadCheck = (value: unknown) => readonly Issue[] | undefined;

const checkers = new WeakMap<object, PayloadCheck>();

/**
 * The check every path runs on a message payload, made once per schema. For a Zod schema it
 * is compiled (`compileCheck`, ADR 0017): a plain function answers "fits" without asking Zod,
 * and only a payload it refuses goes to `~standard.validate`, whose issues are the answer (so
 * Zod has the last word). A schema the compiler does not understand is asked every time.
 * Unlike `validate`, it makes no cleaned copy (`admitterOf` does, where the handler needs it).
 */
export function checkerOf(schema: StandardSchemaV1): PayloadCheck {
  let checker = checkers.get(schema);
  if (!checker) {
    const slow: PayloadCheck = (value) => {
      const checked = validate(schema, value);
      return checked.ok ? undefined : checked.issues;
    };
    const fast = compileCheck(schema);
    checker = fast ? (value) => (fast(value) ? undefined : slow(value)) : slow;
    checkers.set(schema, checker);
  }
  return checker;
}

/** What `admitterOf`'s function answers for a payload that does not fit: the schema's issues. */
export class Refused {
  constructor(readonly issues: readonly Issue[]) {}
}

/**
 * The payload a handler is given, or why none. A module host hands its handler the contract's
 * parse of the JSON that arrived; so in process the handler gets the same: the value itself when
 * it is that already (the usual case: no copy), else the parse of its JSON copy (keys the
 * contract does not name dropped, undefined keys gone, defaults filled in, transforms applied),
 * or `Refused` with the issues a host would answer (ADR 0031).
 */
export type Admit = (value: unknown) => unknown;

/** `value` as the JSON that carries it across a process, read back; `Refused` when it is not JSON data. */
function jsonCopy(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return new Refused([{ path: '(payload)', message: 'not JSON data' }]);
    return JSON.parse(text) as unknown;
  } catch (error) {
    return new Refused([{ path: '(payload)', message: `not JSON data: ${(error as Error).message}` }]);
  }
}

const admitters = new WeakMap<object, Admit>();

/**
 * The admission of payloads of `schema`, made once per schema. For a Zod schema the compiled
 * check's `exact` form (`compileCheck`, ADR 0017) answers "the value is already what a host
 * would parse" without asking Zod (no copy, no allocation); any other payload is copied as JSON
 * and goes to `~standard.validate`.
 */
export function admitterOf(schema: StandardSchemaV1): Admit {
  let admitter = admitters.get(schema);
  if (!admitter) {
    const slow: Admit = (value) => {
      const copy = jsonCopy(value);
      if (copy instanceof Refused) return copy;
      const checked = validate(schema, copy);
      return checked.ok ? checked.value : new Refused(checked.issues);
    };
    const exact = compileCheck(schema, { exact: true });
    admitter = exact ? (value) => (exact(value) ? value : slow(value)) : slow;
    admitters.set(schema, admitter);
  }
  return admitter;
}

const jsonSchemas = new WeakMap<object, Record<string, unknown>>();

/**
 * The JSON Schema (draft 2020-12) of what `schema` accepts, through `~standard.jsonSchema.input`,
 * without the `$schema` key; made once per schema. The snapshot in `contracts/`, the column
 * bounds and the module generator read it.
 */
export function toJsonSchema(schema: Schema): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (!json) {
    const converter = schema['~standard'].jsonSchema;
    if (!converter) throw new Error(`This ${schema['~standard'].vendor} schema cannot give its JSON Schema (Standard JSON Schema)`);
    const converted: Record<string, unknown> = { ...converter.input({ target: 'draft-2020-12' }) };
    delete converted.$schema;
    json = Object.freeze(converted);
    jsonSchemas.set(schema, json);
  }
  return json;
}

/** Whether `value` is a contract schema (Standard Schema with Standard JSON Schema). */
export function isSchema(value: unknown): value is Schema {
  const standard = (value as Partial<Schema> | null)?.['~standard'];
  return typeof standard === 'object' && standard !== null && typeof standard.validate === 'function' && typeof standard.jsonSchema === 'object';
}

/** The answer of a command (or query) that answers nothing: no value, or null (its JSON Schema is `{ type: "null" }`). */
export const nothing = z.null().optional();

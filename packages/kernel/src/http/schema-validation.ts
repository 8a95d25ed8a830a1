import type { StandardSchemaV1 } from '@standard-schema/spec';
import { formatPath } from '../primitives';
import type { FieldError } from './problem';

export type SchemaCheck = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * Checks a route argument declared with a schema (`@Body({ schema })`, `@Query({ schema })`,
 * `@Param('sku', { schema })`; the same schema makes its OpenAPI document): the parsed value,
 * or every offending field by path (its first issue), as the class-validator DTOs report them. A key the schema
 * does not know (a strict object's `unrecognized_keys`) is named by its own path, "property
 * should not exist". `name` is the parameter's name (`@Param('sku', …)`), for issues of the
 * whole value; without one, such an issue is named `whole` (e.g. `(body)`).
 */
export function checkAgainstSchema(schema: StandardSchemaV1, value: unknown, name?: string, whole = '(body)'): SchemaCheck {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new Error(`A request schema must validate synchronously (${schema['~standard'].vendor} returned a promise)`);
  if (!result.issues) return { ok: true, value: result.value };
  // One error per field (its first issue): a sku too long that also breaks the pattern is one mistake.
  const errors = new Map<string, FieldError>();
  for (const error of result.issues.flatMap((issue) => fieldErrors(issue, name, whole))) if (!errors.has(error.field)) errors.set(error.field, error);
  return { ok: false, errors: [...errors.values()] };
}

function fieldErrors(issue: StandardSchemaV1.Issue, name: string | undefined, whole: string): FieldError[] {
  const path = formatPath(issue.path);
  const base = path === '(payload)' ? (name ?? '') : name ? `${name}.${path}` : path;
  const keys = (issue as { code?: unknown; keys?: unknown }).code === 'unrecognized_keys' ? (issue as { keys?: unknown }).keys : undefined;
  if (Array.isArray(keys)) {
    return keys.map((key) => ({ field: base ? `${base}.${String(key)}` : String(key), message: 'property should not exist' }));
  }
  const field = base || whole;
  const last = field.replace(/^.*[.\]]/, '');
  return [{ field, message: issue.message.startsWith(`${last} `) ? issue.message.slice(last.length + 1) : issue.message }];
}

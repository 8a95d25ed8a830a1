import type { MessageClass } from './message';
import { toJsonSchema } from './schema';

type JsonSchema = Record<string, unknown>;

/** A string field of a message's payload: its path (`reason`, `lines[].sku`) and the longest value it accepts. */
export interface StringField {
  readonly path: string;
  readonly maxLength: number;
}

/**
 * The longest string `path` of `message`'s payload accepts: the smallest of its `maxLength`,
 * what its format allows (a UUID has 36 characters), its longest enum value, and what an
 * anchored pattern of fixed-width pieces allows (`^[A-Z]{3}$` → 3). Lengths count UTF-16 code
 * units, as the schema does; a PostgreSQL `varchar(n)` counts characters, never more than that.
 * Throws when the path names no string field, so a declaration with a typo fails at once.
 */
export function maxLengthOf(message: MessageClass, path: string): number {
  const schema = schemaAt(toJsonSchema(message.schema), path);
  if (schema?.type !== 'string') throw new Error(`${message.wire} has no string field "${path}"`);
  return stringBound(schema);
}

/** Every string field of `message`'s payload, nested ones included (`lines[].sku`). */
export function stringFieldsOf(message: MessageClass): StringField[] {
  const found: StringField[] = [];
  const walk = (given: JsonSchema, path: string) => {
    const schema = unwrapNullable(given);
    if (schema.type === 'string') found.push({ path, maxLength: stringBound(schema) });
    if (schema.type === 'array') walk(schema.items as JsonSchema, `${path}[]`);
    if (schema.type === 'object') {
      for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
        walk(child, path ? `${path}.${key}` : key);
      }
    }
  };
  walk(toJsonSchema(message.schema), '');
  return found;
}

/**
 * `text` when it has at most `maxLength` characters; otherwise its first `maxLength - 1` and
 * `…`, never splitting a surrogate pair. The rule for storing or passing on a text that
 * may be longer than where it goes.
 */
export function cutToLength(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let head = text.slice(0, Math.max(0, maxLength - 1));
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}…`;
}

function schemaAt(root: JsonSchema, path: string): JsonSchema | undefined {
  let schema: JsonSchema | undefined = root;
  for (const part of path.split('.')) {
    const array = part.endsWith('[]');
    const properties = schema?.properties as Record<string, JsonSchema> | undefined;
    schema = unwrapNullable(properties?.[array ? part.slice(0, -2) : part]);
    if (array) schema = schema?.type === 'array' ? unwrapNullable(schema.items as JsonSchema) : undefined;
  }
  return schema;
}

/** A nullable field (`anyOf: [X, { type: 'null' }]`) as X, since its column holds X or NULL. */
function unwrapNullable<S extends JsonSchema | undefined>(schema: S): S {
  const branches = (schema?.anyOf ?? schema?.oneOf) as JsonSchema[] | undefined;
  if (!Array.isArray(branches)) return schema;
  const values = branches.filter((branch) => branch.type !== 'null');
  return values.length === 1 ? (values[0] as S) : schema;
}

function stringBound(schema: JsonSchema): number {
  const bounds = [typeof schema.maxLength === 'number' ? schema.maxLength : Infinity];
  if (schema.format === 'uuid') bounds.push(36);
  if (Array.isArray(schema.enum)) bounds.push(Math.max(...schema.enum.map((value) => String(value).length)));
  if (typeof schema.pattern === 'string') bounds.push(patternBound(schema.pattern));
  return Math.min(...bounds);
}

/**
 * The longest match of an anchored pattern made of single-character pieces (a literal, an
 * escape, `.` or a class) each with no quantifier, `?`, `{n}` or `{n,m}`; Infinity for
 * anything else (groups, alternation, `*`, `+`, `{n,}`, an unanchored pattern).
 */
function patternBound(source: string): number {
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) return Infinity;
  const body = source.slice(1, -1);
  let total = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '[') {
      let end = i + 1;
      while (end < body.length && body[end] !== ']') end += body[end] === '\\' ? 2 : 1;
      if (end >= body.length) return Infinity;
      i = end + 1;
    } else if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined || /[1-9kbB]/.test(next)) return Infinity;
      i += next === 'u' ? 6 : next === 'x' ? 4 : 2;
    } else if ('()|*+?{}^$'.includes(c)) {
      return Infinity;
    } else {
      i += 1;
    }
    let times = 1;
    const quantifier = /^(?:\?|\{(\d+)(?:,(\d*))?\})/.exec(body.slice(i));
    if (quantifier) {
      if (quantifier[2] === '') return Infinity;
      times = quantifier[0] === '?' ? 1 : Number(quantifier[2] ?? quantifier[1]);
      i += quantifier[0].length;
      if (body[i] === '?') i += 1;
    } else if (body[i] === '*' || body[i] === '+') {
      return Infinity;
    }
    total += times;
  }
  return total;
}

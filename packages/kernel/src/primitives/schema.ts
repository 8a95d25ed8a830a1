/**
 * A small schema language for contract messages. A message's static `schema` says what its
 * payload must look like; the receiving side of a seam validates every incoming payload
 * against it, and `toJsonSchema` gives the same schema as JSON Schema. It is deliberately tiny: plain
 * JSON data only (strings, whole numbers, booleans, arrays, objects).
 */
export interface Issue {
  /** Path into the payload, e.g. `lines[0].quantity`. */
  readonly path: string;
  readonly message: string;
}

export interface Schema<T = unknown> {
  /** Returns the value to keep (unknown object keys dropped) or records issues. */
  parse(value: unknown, path: string, issues: Issue[]): T | undefined;
  toJsonSchema(): Record<string, unknown>;
  /** Type-level only: the TypeScript type this schema accepts. */
  readonly _type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const at = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function make<T>(json: Record<string, unknown>, check: (value: unknown, path: string, issues: Issue[]) => T | undefined): Schema<T> {
  return { parse: check, toJsonSchema: () => json };
}

export const field = {
  string(options: { minLength?: number; maxLength?: number; pattern?: RegExp; format?: 'uuid' } = {}): Schema<string> {
    const { minLength = 0, maxLength = 10_000, pattern, format } = options;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    return make(
      { type: 'string', minLength, maxLength, ...(pattern && { pattern: pattern.source }), ...(format && { format }) },
      (value, path, issues) => {
        if (typeof value !== 'string') return void issues.push({ path, message: `must be a string, not ${describe(value)}` });
        if (value.length < minLength || value.length > maxLength) {
          return void issues.push({ path, message: `must have ${minLength}-${maxLength} characters` });
        }
        if (pattern && !pattern.test(value)) return void issues.push({ path, message: `must match ${pattern.source}` });
        if (format === 'uuid' && !uuid.test(value)) return void issues.push({ path, message: 'must be a UUID' });
        return value;
      },
    );
  },

  uuid(): Schema<string> {
    return field.string({ format: 'uuid' });
  },

  int(options: { min?: number; max?: number } = {}): Schema<number> {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    return make({ type: 'integer', minimum: min, maximum: max }, (value, path, issues) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return void issues.push({ path, message: `must be a whole number, not ${describe(value)}` });
      }
      if (value < min || value > max) return void issues.push({ path, message: `must be from ${min} to ${max}` });
      return value;
    });
  },

  boolean(): Schema<boolean> {
    return make({ type: 'boolean' }, (value, path, issues) =>
      typeof value === 'boolean' ? value : void issues.push({ path, message: `must be true or false, not ${describe(value)}` }),
    );
  },

  literal<const T extends string>(...values: T[]): Schema<T> {
    return make({ type: 'string', enum: values }, (value, path, issues) =>
      values.includes(value as T) ? (value as T) : void issues.push({ path, message: `must be one of ${values.join(', ')}` }),
    );
  },

  array<T>(item: Schema<T>, options: { minItems?: number; maxItems?: number } = {}): Schema<readonly T[]> {
    const { minItems = 0, maxItems = 1000 } = options;
    return make({ type: 'array', items: item.toJsonSchema(), minItems, maxItems }, (value, path, issues) => {
      if (!Array.isArray(value)) return void issues.push({ path, message: `must be an array, not ${describe(value)}` });
      if (value.length < minItems || value.length > maxItems) {
        return void issues.push({ path, message: `must have ${minItems}-${maxItems} items` });
      }
      const before = issues.length;
      const items = value.map((element, index) => item.parse(element, at(path, index), issues));
      return issues.length === before ? (items as T[]) : undefined;
    });
  },

  object<Shape extends Record<string, Schema>>(shape: Shape): Schema<{ readonly [K in keyof Shape]: Infer<Shape[K]> }> {
    const keys = Object.keys(shape);
    return make(
      {
        type: 'object',
        properties: Object.fromEntries(keys.map((key) => [key, shape[key].toJsonSchema()])),
        required: keys,
      },
      (value, path, issues) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          return void issues.push({ path: path || '(payload)', message: `must be an object, not ${describe(value)}` });
        }
        const before = issues.length;
        const out: Record<string, unknown> = {};
        for (const key of keys) {
          const given = (value as Record<string, unknown>)[key];
          if (given === undefined) issues.push({ path: at(path, key), message: 'is required' });
          else out[key] = shape[key].parse(given, at(path, key), issues);
        }
        // Unknown keys are dropped, not refused: a newer sender may add optional fields.
        return issues.length === before ? (out as { [K in keyof Shape]: Infer<Shape[K]> }) : undefined;
      },
    );
  },
};

/** Validates `value` against `schema`: the cleaned value, or the list of issues. */
export function validate<T>(schema: Schema<T>, value: unknown): { ok: true; value: T } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const parsed = schema.parse(value, '', issues);
  return issues.length === 0 ? { ok: true, value: parsed as T } : { ok: false, issues };
}

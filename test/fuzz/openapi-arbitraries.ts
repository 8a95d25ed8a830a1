import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
}

export interface Operation {
  readonly operationId?: string;
  readonly parameters?: readonly { readonly name: string; readonly in: string; readonly required?: boolean; readonly schema?: JsonSchema }[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: JsonSchema }> };
  readonly security?: readonly Record<string, unknown>[];
}

export type JsonSchema = {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly allOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly nullable?: boolean;
};

/** Values a schema accepts (as far as a JSON Schema can say), built from the live document. */
export function validValue(document: OpenApiDocument, schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  if (schema.$ref) return validValue(document, resolve(document, schema.$ref), depth + 1);
  const options = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (options && options.length > 0) return fc.oneof(...options.map((option) => validValue(document, option, depth + 1)));
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return fc.uuid({ version: 4 });
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length >= (schema.minLength ?? 0) && text.length <= (schema.maxLength ?? 10_000));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 200) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(document, schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object':
    default: {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = validValue(document, property, depth + 1);
      return fc.record(record, { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) });
    }
  }
}

function resolve(document: OpenApiDocument, ref: string): JsonSchema | undefined {
  const name = ref.replace('#/components/schemas/', '');
  return document.components?.schemas?.[name];
}

/** A body for an operation: valid, valid with one field broken, missing a field, with an unknown or prototype key, or anything at all. */
export function body(document: OpenApiDocument, schema: JsonSchema | undefined): fc.Arbitrary<{ kind: string; raw: string }> {
  const valid = validValue(document, schema);
  const json = (kind: string) => (value: unknown) => ({ kind, raw: JSON.stringify(value) ?? 'null' });
  return fc.oneof(
    valid.map(json('valid')),
    fc.tuple(valid, fc.anything({ maxDepth: 2 })).map(([value, junk]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return json('broken')(junk);
      const keys = Object.keys(value);
      if (keys.length === 0) return json('broken')({ unexpected: junk });
      return json('broken')({ ...value, [keys[Math.abs(JSON.stringify(junk)?.length ?? 0) % keys.length]]: junk });
    }),
    valid.map((value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return json('missing')({});
      const copy = { ...(value as Record<string, unknown>) };
      delete copy[Object.keys(copy)[0]];
      return json('missing')(copy);
    }),
    fc.tuple(valid, fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra')).map(([value, key]) => ({
      kind: `key ${key}`,
      raw: typeof value === 'object' && value !== null && !Array.isArray(value) ? `${JSON.stringify(value).slice(0, -1)}${Object.keys(value).length ? ',' : ''}"${key}":{"polluted":true}}` : `{"${key}":1}`,
    })),
    fc.jsonValue({ maxDepth: 3 }).map(json('random json')),
    fc.string({ maxLength: 200 }).map((raw) => ({ kind: 'random text', raw })),
  );
}

/** A value for a path or query parameter: what its schema accepts, or something else. */
export function parameter(document: OpenApiDocument, schema: JsonSchema | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    validValue(document, schema).map((value) => String(value)),
    fc.string({ maxLength: 80 }),
    fc.constantFrom('', '0', '-1', '%00', '..%2F..', 'null', '00000000-0000-0000-0000-000000000000', 'x'.repeat(3000)),
  );
}

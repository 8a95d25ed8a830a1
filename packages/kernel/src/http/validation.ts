import { type ArgumentMetadata, BadRequestException, ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from './problem';
import { checkAgainstSchema } from './schema-validation';

/** A request whose body, path or query failed validation; carries every offending field. */
export class InvalidRequestException extends BadRequestException {
  constructor(readonly errors: readonly FieldError[]) {
    super(`The request is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
}

/** A pipe for a UUID path parameter that answers like body validation does (400 naming the field). */
export function uuidParam(field: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new InvalidRequestException([{ field, message: 'must be a UUID' }]) });
}

/**
 * The global validation pipe: strips nothing silently (unknown properties are rejected),
 * converts payloads to their DTO classes, and reports every offending field by path.
 */
export function createValidationPipe(): ValidationPipe {
  return new GuardedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidRequestException(flatten(errors)),
  });
}

/**
 * Keys that reach an object's prototype when copied (`__proto__`, `constructor`,
 * `prototype`): JSON.parse keeps them as plain own keys, and the DTO conversion drops them
 * without a word, so they would slip past "no unknown properties". They are refused like any
 * other unknown property, wherever they are in the input.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class GuardedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const found = prototypeKeys(value, '', 0);
    if (found.length > 0) throw new InvalidRequestException(found.map((field) => ({ field, message: 'property should not exist' })));
    // An argument declared with a schema (`@Body({ schema })`) is checked by it (schema-validation.ts).
    if (metadata.schema) {
      const checked = checkAgainstSchema(metadata.schema, value, metadata.data, `(${metadata.type})`);
      if (!checked.ok) throw new InvalidRequestException(checked.errors);
      return checked.value;
    }
    return super.transform(value, metadata);
  }
}

function prototypeKeys(value: unknown, path: string, depth: number): string[] {
  if (typeof value !== 'object' || value === null || depth > 32) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => prototypeKeys(item, `${path}[${index}]`, depth + 1));
  return Object.keys(value).flatMap((key) => {
    const field = path ? `${path}.${key}` : key;
    return PROTOTYPE_KEYS.has(key) ? [field] : prototypeKeys((value as Record<string, unknown>)[key], field, depth + 1);
  });
}

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

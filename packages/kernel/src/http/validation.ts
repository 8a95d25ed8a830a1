import { BadRequestException, ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from './problem';

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
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidRequestException(flatten(errors)),
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

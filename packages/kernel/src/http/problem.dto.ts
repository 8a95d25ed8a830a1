import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, titleOf } from './problem';

export class FieldErrorDto {
  @ApiProperty({ example: 'lines[0].quantity' })
  field: string;

  @ApiProperty({ example: 'must not be less than 1' })
  message: string;
}

/** The OpenAPI shape of an RFC 9457 problem response. */
export class ProblemDto {
  @ApiProperty({ description: 'A stable URI for the kind of problem: the app\'s problem type namespace followed by `code`' })
  type: string;

  @ApiProperty({ example: 'Conflict' })
  title: string;

  @ApiProperty({ example: 409 })
  status: number;

  @ApiProperty({ description: 'What went wrong, for a person' })
  detail: string;

  @ApiProperty({ description: 'Stable machine-readable code, `<module>.<error>`' })
  code: string;

  @ApiPropertyOptional({ description: 'The path of the request that failed' })
  instance?: string;

  @ApiPropertyOptional({ description: 'The request id (X-Request-Id) this failure belongs to' })
  correlationId?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Every offending field (400 only)' })
  errors?: FieldErrorDto[];
}

/** Documents problem responses: `@ApiProblems(400, 409, 422)`. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: `${titleOf(status)} (RFC 9457 problem)`,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      }),
    ),
  );
}

/**
 * Gives the document's `ProblemDto` schema an example of the app's own (its problem type
 * namespace, one of its error codes): the kernel's schema has none, since it knows no app.
 */
export function withProblemExample(document: OpenAPIObject, example: Readonly<Record<string, unknown>>): OpenAPIObject {
  const schema = document.components?.schemas?.ProblemDto;
  if (schema && !('$ref' in schema)) schema.example = example;
  return document;
}

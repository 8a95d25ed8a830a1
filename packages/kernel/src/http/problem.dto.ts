import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, titleOf } from './problem';

export class FieldErrorDto {
  @ApiProperty({ example: 'lines[0].quantity' })
  field: string;

  @ApiProperty({ example: 'must not be less than 1' })
  message: string;
}

/** The OpenAPI shape of an RFC 9457 problem response. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:seams:problem:inventory.insufficient-stock' })
  type: string;

  @ApiProperty({ example: 'Conflict' })
  title: string;

  @ApiProperty({ example: 409 })
  status: number;

  @ApiProperty({ example: 'Not enough stock of sku TEA-1: 3 requested, 1 available' })
  detail: string;

  @ApiProperty({ example: 'inventory.insufficient-stock', description: 'Stable machine-readable code' })
  code: string;

  @ApiPropertyOptional({ example: '/v1/orders' })
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

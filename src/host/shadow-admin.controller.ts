import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@seams/kernel/http';
import { ShadowRuns } from '@seams/kernel/seam';
import type { ShadowDifference } from '@seams/kernel/seam';
import { SHOP_ROLES } from './roles';

export class ShadowDifferenceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'When the second answer came in' }) at: string;
  @ApiProperty({ example: 'catalog' }) module: string;
  @ApiProperty({ example: 'catalog.get-products.v1' }) message: string;
  @ApiProperty() correlationId: string;
  @ApiProperty({ type: Object, description: 'The query' }) payload: unknown;
  @ApiProperty({ type: Object, description: 'The answer the caller got: this process\'s implementation (or `{ error }`)' }) local: unknown;
  @ApiProperty({ type: Object, description: 'The other implementation\'s answer (or `{ error }`)' }) remote: unknown;
}

/** Parallel run: what the two implementations of a shadowed module answered differently. */
@ApiTags('operations')
@Authenticated(SHOP_ROLES.admin)
@Controller({ path: 'admin/shadow', version: '1' })
export class ShadowAdminController {
  constructor(private readonly shadows: ShadowRuns) {}

  @Get()
  @ApiOperation({
    summary: 'Queries whose two answers differed, newest first (the last 200; admin)',
    description: 'For modules in shadow mode (`SEAMS_<MODULE>=shadow`): each query is answered here and also asked of `SEAMS_<MODULE>_URL`.',
  })
  @ApiOkResponse({ type: [ShadowDifferenceDto] })
  list(): ShadowDifference[] {
    return this.shadows.differences();
  }
}

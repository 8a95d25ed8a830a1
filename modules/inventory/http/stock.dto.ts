import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { MAX_UNITS } from '../domain/stock-item';

export class SkuParamDto {
  @ApiProperty({ example: 'TEA-1', pattern: '^[A-Z0-9][A-Z0-9-]{0,63}$' })
  @IsString()
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,63}$/, { message: 'sku must be 1-64 upper-case letters, digits or dashes' })
  sku: string;
}

export class SetStockDto {
  @ApiProperty({ example: 25, description: 'Units counted in the warehouse', minimum: 0, maximum: MAX_UNITS })
  @IsInt()
  @Min(0)
  @Max(MAX_UNITS)
  onHand: number;
}

export class StockDto {
  @ApiProperty({ example: 'TEA-1' })
  sku: string;

  @ApiProperty({ example: 25 })
  onHand: number;

  @ApiProperty({ example: 2, description: 'Units held for orders not yet confirmed' })
  reserved: number;

  @ApiProperty({ example: 23, description: 'onHand - reserved' })
  available: number;
}

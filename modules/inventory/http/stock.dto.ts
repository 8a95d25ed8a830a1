import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { SKU_PATTERN, SKU_RULE } from '../../catalog/contract';
import { MAX_UNITS } from '../domain/stock-item';

export class SkuParamDto {
  @ApiProperty({ example: 'TEA-1', pattern: SKU_PATTERN.source })
  @IsString()
  @Matches(SKU_PATTERN, { message: `sku ${SKU_RULE}` })
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

import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CURRENCY_PATTERN, CURRENCY_RULE, SKU_PATTERN, SKU_RULE } from '../contract';
import { MAX_PRICE_MINOR } from '../domain/product';

export class SkuParamDto {
  @ApiProperty({ example: 'TEA-1', pattern: SKU_PATTERN.source })
  @IsString()
  @Matches(SKU_PATTERN, { message: `sku ${SKU_RULE}` })
  sku: string;
}

export class RegisterProductDto {
  @ApiProperty({ example: 'TEA-1', pattern: SKU_PATTERN.source })
  @IsString()
  @Matches(SKU_PATTERN, { message: `sku ${SKU_RULE}` })
  sku: string;

  @ApiProperty({ example: 'Green tea', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 450, description: 'Price in minor units (cents)', minimum: 0, maximum: MAX_PRICE_MINOR })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_MINOR)
  priceMinor: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency code' })
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: `currency ${CURRENCY_RULE}` })
  currency: string;
}

export class ProductDto {
  @ApiProperty({ example: 'TEA-1' })
  sku: string;

  @ApiProperty({ example: 'Green tea' })
  name: string;

  @ApiProperty({ example: 450 })
  priceMinor: number;

  @ApiProperty({ example: 'EUR' })
  currency: string;
}

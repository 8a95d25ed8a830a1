import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SKU_PATTERN, SKU_RULE } from '../../catalog/contract';
import type { OrderStatus } from '../domain/order';

export class OrderLineRequestDto {
  @ApiProperty({ example: 'TEA-1', pattern: SKU_PATTERN.source })
  @IsString()
  @Matches(SKU_PATTERN, { message: `sku ${SKU_RULE}` })
  sku: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 10000 })
  @IsInt()
  @Min(1)
  @Max(10000)
  quantity: number;
}

export class PlaceOrderDto {
  @ApiProperty({ type: [OrderLineRequestDto], minItems: 1, maxItems: 100, description: 'One line per sku' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique((line: OrderLineRequestDto) => line?.sku, { message: 'lines must not repeat a sku' })
  @ValidateNested({ each: true })
  @Type(() => OrderLineRequestDto)
  lines: OrderLineRequestDto[];
}

const STATUSES: OrderStatus[] = ['PENDING', 'CONFIRMED', 'CANCELLED'];

export class PlacedOrderDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: STATUSES, example: 'PENDING' })
  status: OrderStatus;

  @ApiProperty({ example: 900, description: 'Sum of the lines, in minor units' })
  totalMinor: number;

  @ApiProperty({ example: 'EUR' })
  currency: string;
}

export class OrderLineDto {
  @ApiProperty({ example: 'TEA-1' })
  sku: string;

  @ApiProperty({ example: 2 })
  quantity: number;

  @ApiProperty({ example: 450, description: 'Catalog price when the order was placed' })
  unitPriceMinor: number;
}

export class OrderDto extends PlacedOrderDto {
  @ApiProperty({ example: 'customer-42' })
  customerId: string;

  @ApiProperty({ type: [OrderLineDto] })
  lines: readonly OrderLineDto[];

  @ApiPropertyOptional({ type: String, nullable: true, example: null })
  cancellationReason: string | null;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

export class OrderLineV2Dto extends OrderLineDto {
  @ApiProperty({ example: 900, description: 'quantity × unitPriceMinor' })
  lineTotalMinor: number;
}

export class OrderV2Dto extends OrderDto {
  @ApiProperty({ type: [OrderLineV2Dto] })
  declare lines: readonly OrderLineV2Dto[];

  @ApiProperty({ example: 2, description: 'Units over all lines' })
  itemCount: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { PaymentStatus } from '../domain/payment';

export class ListPaymentsQueryDto {
  @ApiProperty({ format: 'uuid', description: 'The order whose payments to list' })
  @IsUUID()
  orderId: string;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  orderId: string;

  @ApiProperty({ example: 900 })
  amountMinor: number;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ enum: ['CAPTURED', 'DECLINED'] })
  status: PaymentStatus;

  @ApiPropertyOptional({ type: String, nullable: true })
  declineReason: string | null;
}

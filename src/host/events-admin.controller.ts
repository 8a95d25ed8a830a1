import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiProblems, Authenticated, uuidParam } from '@seams/kernel/http';
import { SHOP_ROLES } from './roles';
import { OutboxAdmin } from '@seams/kernel/messaging';
import type { DeliveryStatus } from '@seams/kernel/messaging';

const STATUSES: Record<string, DeliveryStatus> = { failed: 'PARKED', parked: 'PARKED', pending: 'PENDING', delivered: 'DELIVERED' };

export class ListEventsQueryDto {
  @ApiPropertyOptional({ enum: Object.keys(STATUSES), default: 'failed', description: '`failed` (= parked) deliveries by default' })
  @IsOptional()
  @IsIn(Object.keys(STATUSES))
  status?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'The delivery (one event to one subscribing module)' }) id: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'ordering' }) publisher: string;
  @ApiProperty({ example: 'payments' }) subscriber: string;
  @ApiProperty({ example: 'ordering.order-placed.v1' }) name: string;
  @ApiProperty({ enum: ['PENDING', 'DELIVERED', 'PARKED'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty() nextAttemptAt: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ type: String, nullable: true }) deliveredAt: string | null;
  @ApiProperty({ type: Object }) payload: unknown;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The trace the event was published in; its deliveries are spans of it' }) traceId: string | null;
}

export class OutboxStatsDto {
  @ApiProperty({ example: 'ordering' }) module: string;
  @ApiProperty({ description: 'Deliveries not yet done' }) depth: number;
  @ApiProperty({ description: 'Age of the oldest pending delivery (ms)' }) lagMs: number;
  @ApiProperty({ description: 'Deliveries that ran out of attempts' }) parked: number;
}

@ApiTags('operations')
@Authenticated(SHOP_ROLES.admin)
@Controller({ path: 'admin/events', version: '1' })
export class EventsAdminController {
  constructor(private readonly outbox: OutboxAdmin) {}

  @Get()
  @ApiOperation({ summary: "Deliveries of this process's outboxes by status (parked ones by default)" })
  @ApiOkResponse({ type: [DeliveryDto] })
  @ApiProblems(400, 503)
  list(@Query() query: ListEventsQueryDto): Promise<DeliveryDto[]> {
    return this.outbox.list(STATUSES[query.status ?? 'failed'], query.limit ?? 100);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Outbox depth, delivery lag and parked count per module of this process' })
  @ApiOkResponse({ type: [OutboxStatsDto] })
  @ApiProblems(503)
  stats(): Promise<OutboxStatsDto[]> {
    return this.outbox.stats();
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Put a parked delivery back in line, with a fresh count of attempts' })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiProblems(400, 404, 503)
  retry(@Param('id', uuidParam('id')) id: string): Promise<DeliveryDto> {
    return this.outbox.retry(id);
  }
}

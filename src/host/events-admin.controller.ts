import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiProblems, Authenticated, uuidParam } from '@seams/kernel/http';
import { SHOP_ROLES } from './roles';
import { OutboxAdmin } from '@seams/kernel/messaging';
import type { DeliveryStatus, ReplayView } from '@seams/kernel/messaging';
import { type Infer, z } from '@seams/kernel/primitives';

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

/** `POST /v1/admin/replays`: which module to catch up, and from where in the kept history. */
export const startReplayBody = z
  .strictObject({
    subscriber: z.string().min(1).max(100).describe('The module to replay events to (it gets the events its manifest subscribes to)'),
    from: z
      .union([z.literal('beginning'), z.iso.datetime({ offset: true })])
      .describe('`beginning` (the oldest event kept, see SEAMS_OUTBOX_RETENTION_MS), or a date-time: the events published at or after it'),
  })
  .meta({ id: 'StartReplayDto', example: { subscriber: 'shipping', from: 'beginning' } });

const count = z.int().min(0);

/** A replay's progress, as every replay route answers it. */
export const replayAnswer = z
  .object({
    id: z.uuid(),
    subscriber: z.string(),
    from: z.string().nullable().describe('The time it starts from; null for the beginning'),
    publishers: z.array(z.string()).describe("This process's modules whose events it replays"),
    events: z.array(z.string()).describe('The events it replays, by name'),
    state: z.enum(['running', 'done', 'parked', 'stopped']).describe('`parked`: only parked deliveries are left (retry them from GET /v1/admin/events)'),
    scheduled: count.describe('Events scheduled: those the subscriber had never been given'),
    delivered: count,
    pending: count,
    parked: count,
    cancelled: count.describe('Deliveries a stop took back'),
    skipped: count.describe('Events left out to keep per-aggregate order: a later event of their aggregate had already been handed to the subscriber'),
    createdAt: z.string(),
    stoppedAt: z.string().nullable(),
  })
  .meta({ id: 'ReplayDto' });

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

/** Replays of the kept event history to a subscriber (OutboxAdmin.replay, ADR 0034). */
@ApiTags('operations')
@Authenticated(SHOP_ROLES.admin)
@Controller({ path: 'admin/replays', version: '1' })
export class ReplaysAdminController {
  constructor(private readonly outbox: OutboxAdmin) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Catch a subscriber up: replay the kept events it subscribes to, from the beginning or a time',
    description:
      'Schedules one delivery per event the module was never given, through its inbox (each handled once) and per aggregate in ' +
      'publication order; an event whose aggregate already had a later event handed over is skipped and counted. ' +
      "Covers the outboxes of this process's modules. 400 `events.unknown-subscriber`: no such module, or it subscribes to nothing here.",
  })
  @ApiAcceptedResponse({ description: 'The replay, started', standardSchema: replayAnswer })
  @ApiProblems(400, 503)
  replay(@Body({ schema: startReplayBody }) body: Infer<typeof startReplayBody>): Promise<ReplayView> {
    return this.outbox.replay(body.subscriber, body.from === 'beginning' ? 'beginning' : new Date(body.from));
  }

  @Get()
  @ApiOperation({ summary: "Replays recorded in this process's outboxes, newest first, with their progress" })
  @ApiOkResponse({ description: 'The replays', standardSchema: z.array(replayAnswer) })
  @ApiProblems(503)
  replays(): Promise<ReplayView[]> {
    return this.outbox.replays();
  }

  @Get(':id')
  @ApiOperation({ summary: "A replay's progress" })
  @ApiOkResponse({ description: 'The replay', standardSchema: replayAnswer })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiProblems(400, 404, 503)
  replayOf(@Param('id', uuidParam('id')) id: string): Promise<ReplayView> {
    return this.outbox.replayOf(id);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a replay: its deliveries not yet made are taken back (counted as cancelled)' })
  @ApiOkResponse({ description: 'The replay, stopped', standardSchema: replayAnswer })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiProblems(400, 404, 503)
  stop(@Param('id', uuidParam('id')) id: string): Promise<ReplayView> {
    return this.outbox.stopReplay(id);
  }
}

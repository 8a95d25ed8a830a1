import { Controller, Get, Res, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { DatabaseRegistry } from '../kernel/persistence';

const PING_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly databases: DatabaseRegistry,
  ) {}

  @Get()
  @ApiOperation({ summary: "Checks every loaded module's database connection" })
  @ApiOkResponse({ description: 'All checks are up' })
  @ApiServiceUnavailableResponse({ description: 'At least one check is down; the body says which' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    const checks = this.databases.all().map((database) => () =>
      this.indicators
        .check(`database:${database.module}`)
        .attempt(() => database.ping())
        .withTimeout(PING_TIMEOUT_MS),
    );
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}

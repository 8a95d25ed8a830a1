import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Inject, type OnModuleInit, Optional, Req, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../http';
import { OutboxAdmin } from '../messaging';
import { Metrics } from '../observability';
import { RemoteModules } from '../seam';
import { UnauthenticatedError } from '../security';

const BREAKER_STATES: Record<string, number> = { closed: 0, open: 1, 'half-open': 2, isolated: 3 };

/** The bearer token `GET /metrics` asks for, if any (see `SeamsModuleOptions.metricsToken`). */
export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

/**
 * `GET /metrics`: the process's Prometheus metrics, on the monolith and on every module host.
 * Not behind the users' tokens (Prometheus has none of those) but behind its own bearer token
 * when one is set, and under the rate limit like any route (a scrape every few seconds is far
 * below it): what it shows (modules, message rates, outbox depths) is for operators only.
 */
@ApiTags('operations')
@Public()
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController implements OnModuleInit {
  private readonly token: Buffer | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly outbox: OutboxAdmin,
    private readonly remote: RemoteModules,
    @Optional() @Inject(METRICS_TOKEN) token?: string,
  ) {
    this.token = token ? Buffer.from(`Bearer ${token}`) : undefined;
  }

  onModuleInit(): void {
    // Read at scrape time, from the outbox tables of the modules this process runs.
    let stats: Promise<Awaited<ReturnType<OutboxAdmin['stats']>>> | undefined;
    const outboxStats = () => (stats ??= this.outbox.stats().finally(() => setImmediate(() => (stats = undefined))));
    this.metrics.gauge('seams_outbox_depth', 'Event deliveries not yet done, by publishing module', ['module'], async (gauge) => {
      for (const row of await outboxStats()) gauge.set({ module: row.module }, row.depth);
    });
    this.metrics.gauge('seams_outbox_lag_seconds', 'Age of the oldest pending event delivery, by publishing module', ['module'], async (gauge) => {
      for (const row of await outboxStats()) gauge.set({ module: row.module }, row.lagMs / 1000);
    });
    this.metrics.gauge('seams_outbox_parked', 'Event deliveries parked after their last attempt, by publishing module', ['module'], async (gauge) => {
      for (const row of await outboxStats()) gauge.set({ module: row.module }, row.parked);
    });
    this.metrics.gauge(
      'seams_circuit_breaker_state',
      'Circuit breaker of each remote module: 0 closed, 1 open (failing fast), 2 half-open (one call trying), 3 isolated',
      ['module'],
      (gauge) => {
        for (const [module, state] of Object.entries(this.remote.breakerStates())) gauge.set({ module }, BREAKER_STATES[state] ?? -1);
      },
    );
    this.metrics.gauge('seams_seam_replica_up', 'Replicas of each remote module (TCP): 1 while calls go to it, 0 while it is left out and pinged', ['module', 'replica'], (gauge) => {
      gauge.reset();
      for (const [module, replicas] of Object.entries(this.remote.replicaStates())) {
        for (const { address, up } of replicas) gauge.set({ module, replica: address }, up ? 1 : 0);
      }
    });
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics: HTTP and seam histograms, outbox depth, lag and parked deliveries, breakers, event loop lag' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The Prometheus text exposition format', schema: { type: 'string' } })
  async scrape(@Res({ passthrough: true }) response: Response, @Req() request: Request): Promise<string> {
    if (this.token) {
      const given = Buffer.from(request.header('authorization') ?? '');
      if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) {
        throw new UnauthenticatedError('The metrics need their bearer token (SEAMS_METRICS_TOKEN)');
      }
    }
    const body = await this.metrics.scrape();
    response.type(this.metrics.contentType);
    return body;
  }
}

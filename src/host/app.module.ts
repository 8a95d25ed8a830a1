import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AuthGuard } from '@seams/kernel/http';
import { isOperationsRoute, SeamsModule, type SeamsModuleOptions } from '@seams/kernel/host';
import { EventsAdminController, ReplaysAdminController } from './events-admin.controller';
import { RedisThrottlerStorage } from './redis-throttler-storage';
import { ShadowAdminController } from './shadow-admin.controller';

export interface HostOptions {
  /** The kernel with the modules this process runs (see `SeamsModule`). */
  readonly seams: SeamsModuleOptions;
  /** Requests per client address per minute (0: no limit). */
  readonly ratePerMinute: number;
  /** Counts the limit in Redis, shared by every replica (`rateLimitKey` keeps deployments apart). */
  readonly rateLimitRedisUrl?: string;
  readonly rateLimitKey?: string;
}

/**
 * The composition root: the kernel and the modules this process runs (`SeamsModule`), the
 * shop's rate limit and bearer-token guard, and its admin routes.
 */
@Module({})
export class AppModule {
  static forRoot(options: HostOptions): DynamicModule {
    const storage = options.rateLimitRedisUrl ? new RedisThrottlerStorage(options.rateLimitRedisUrl, `seams:rate-limit:${options.rateLimitKey ?? 'default'}`) : undefined;
    return {
      module: AppModule,
      imports: [
        SeamsModule.forRoot(options.seams),
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: 60_000, limit: options.ratePerMinute }],
          // Probes and scrapers (health, metrics) are never throttled.
          skipIf: (context) => options.ratePerMinute === 0 || isOperationsRoute(context),
          ...(storage && { storage }),
        }),
      ],
      controllers: [EventsAdminController, ReplaysAdminController, ShadowAdminController],
      providers: [
        // A provider too, so that Nest closes its Redis connection at shutdown.
        ...(storage ? [{ provide: RedisThrottlerStorage, useValue: storage }] : []),
        // In this order: a client over its limit is turned away before its token costs a check.
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}

import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AuthGuard } from '@seams/kernel/http';
import type { Logger } from 'pino';
import { MessagingModule, type MessagingOptions } from '@seams/kernel/messaging';
import { type Metrics, ObservabilityModule } from '@seams/kernel/observability';
import { DatabaseModule, type DatabaseSettings } from '@seams/kernel/persistence';
import { type MessageRegistry, SeamModule, type SeamOptions, type Topology } from '@seams/kernel/seam';
import { EventsAdminController } from './events-admin.controller';
import { HealthController } from './health.controller';
import { Lifecycle } from './lifecycle';
import { MetricsController } from './metrics.controller';
import { ShadowAdminController } from './shadow-admin.controller';

export interface HostOptions {
  readonly database: DatabaseSettings;
  readonly registry: MessageRegistry;
  readonly topology: Topology;
  /** The kernel's options, built from the settings by the host's configuration (src/host/config). */
  readonly seam: SeamOptions;
  readonly messaging: MessagingOptions;
  /** The Nest modules of the modules that run in this process. */
  readonly modules: readonly Type<unknown>[];
  /** The root logger and the metrics registry of the process. */
  readonly root: Logger;
  readonly metrics: Metrics;
  /** Requests per client address per minute (0: no limit). */
  readonly ratePerMinute: number;
}

/** The composition root: the kernel, plus the modules this process runs. */
@Module({})
export class AppModule {
  static forRoot(options: HostOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ root: options.root, metrics: options.metrics }),
        SeamModule.forRoot({ registry: options.registry, topology: options.topology, ...options.seam }),
        DatabaseModule.forRoot(options.database),
        MessagingModule.forRoot(options.messaging),
        TerminusModule,
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: 60_000, limit: options.ratePerMinute }],
          skipIf: () => options.ratePerMinute === 0,
        }),
        ...options.modules,
      ],
      controllers: [HealthController, MetricsController, EventsAdminController, ShadowAdminController],
      providers: [
        Lifecycle,
        // In this order: a client over its limit is turned away before its token costs a check.
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}

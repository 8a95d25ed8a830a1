import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { httpLogging } from './logging';
import { Metrics } from './metrics';
import { SeamObserver } from './seam-observer';

/** The process's root pino logger, as a provider. */
export const LOG_ROOT = Symbol('LOG_ROOT');

/**
 * Logs (pino through `nestjs-pino`, HTTP requests included), metrics (`Metrics`) and the
 * seam's observer, for every module of the process. Imported once, by the host.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: { root: Logger; metrics?: Metrics }): DynamicModule {
    const metrics = options.metrics ?? new Metrics();
    return {
      module: ObservabilityModule,
      imports: [LoggerModule.forRoot(httpLogging(options.root))],
      providers: [
        { provide: LOG_ROOT, useValue: options.root },
        { provide: Metrics, useValue: metrics },
        { provide: SeamObserver, useValue: new SeamObserver(metrics, options.root) },
      ],
      exports: [LOG_ROOT, Metrics, SeamObserver, LoggerModule],
    };
  }
}

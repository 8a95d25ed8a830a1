import { type DynamicModule, Global, Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { httpLogging } from './logging';
import { Metrics } from './metrics';
import { NestPinoLogger } from './nest-logger';
import { SeamObserver } from './seam-observer';

/** The process's root pino logger, as a provider. */
export const LOG_ROOT = Symbol('LOG_ROOT');

/**
 * Logs (pino: Nest's own lines through `NestPinoLogger`, one line per HTTP request through
 * `pino-http`), metrics (`Metrics`) and the seam's observer, for every module of the process.
 * Imported once, by the host, which hands Nest the logger: `app.useLogger(app.get(NestPinoLogger))`.
 */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  constructor(@Inject(LOG_ROOT) private readonly root: Logger) {}

  static forRoot(options: { root: Logger; metrics?: Metrics }): DynamicModule {
    const metrics = options.metrics ?? new Metrics();
    return {
      module: ObservabilityModule,
      providers: [
        { provide: LOG_ROOT, useValue: options.root },
        { provide: NestPinoLogger, useValue: new NestPinoLogger(options.root) },
        { provide: Metrics, useValue: metrics },
        { provide: SeamObserver, useValue: new SeamObserver(metrics, options.root) },
      ],
      exports: [LOG_ROOT, NestPinoLogger, Metrics, SeamObserver],
    };
  }

  /** One line per HTTP request, on every route (`{/*splat}` also matches `/`). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(pinoHttp(httpLogging(this.root))).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}

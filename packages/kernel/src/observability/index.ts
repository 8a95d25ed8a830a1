export { ObservabilityModule, LOG_ROOT } from './observability.module';
export { Metrics } from './metrics';
export { NestPinoLogger } from './nest-logger';
export { SeamObserver, outcomeOf } from './seam-observer';
export type { ObservedRoute } from './seam-observer';
export { createRootLogger, logSettings, LOG_LEVELS, REDACTED_PATHS } from './logging';
export type { LogSettings, LogOptions } from './logging';
export { startTracing, stopTracing, tracingEnabled } from './tracing';
export type { TracingOptions } from './tracing';

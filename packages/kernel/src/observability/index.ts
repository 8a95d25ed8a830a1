export { ObservabilityModule, LOG_ROOT } from './observability.module';
export { Metrics } from './metrics';
export { SeamObserver, outcomeOf } from './seam-observer';
export type { ObservedRoute } from './seam-observer';
export { createRootLogger, logSettingsFrom, REDACTED_PATHS } from './logging';
export type { LogSettings } from './logging';
export { startTracing, stopTracing, tracingEnabled } from './tracing';

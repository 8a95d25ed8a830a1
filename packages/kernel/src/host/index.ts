/**
 * The host pieces an app imports: `SeamsModule` (observability, seam, databases, outbox relay,
 * health and metrics), `applyHttpEdge` (problem responses, validation, request id, security
 * headers), `connectSeamServers` and `startApp`, and `shutDownGracefully`.
 */
export { SeamsModule } from './seams.module';
export type { SeamsModuleOptions } from './seams.module';
export { applyHttpEdge, SEAMS_APP_OPTIONS } from './http-edge';
export type { HttpEdgeOptions } from './http-edge';
export { connectSeamServers, startApp } from './start';
export { shutDownGracefully } from './shutdown';
export { Lifecycle } from './lifecycle';
export { HealthController } from './health.controller';
export { MetricsController } from './metrics.controller';
export { OperationsRoute, isOperationsRoute } from './operations-route';

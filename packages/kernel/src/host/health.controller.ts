import { Controller, Get, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../http';
import { DatabaseRegistry } from '../persistence';
import { brokerReachable, brokerUrls, MessageRegistry, RemoteModules, Topology } from '../seam';
import { attemptCheck, type HealthCheck, type HealthCheckResult, runHealthChecks } from './health-checks';
import { Lifecycle } from './lifecycle';
import { OperationsRoute } from './operations-route';

/** How long one check may take before it counts as down. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * Liveness and readiness. `live` says the process runs (restart it if this fails); `ready`
 * says it can serve requests now (send it traffic only then): every local module's database,
 * every broker it uses, and every remote module whose commands or queries it sends, each
 * named in the answer; and not while shutting down.
 */
@ApiTags('operations')
@Public()
@OperationsRoute()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly databases: DatabaseRegistry,
    private readonly remote: RemoteModules,
    private readonly topology: Topology,
    private readonly registry: MessageRegistry,
    private readonly lifecycle: Lifecycle,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop answers' })
  @ApiOkResponse({ description: 'Always, while the process runs' })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: databases, brokers and the remote modules this process calls',
    description:
      'Checks `database:<module>` for each local module, `broker:<url>` for each NATS or RabbitMQ address in use, and ' +
      '`remote:<module>` (a ping through the seam, outside the circuit breaker) for each remote module whose commands ' +
      'or queries a local module sends. 503 while any is down, or while the process starts or shuts down (`process`).',
  })
  @ApiOkResponse({ description: 'All checks are up' })
  @ApiServiceUnavailableResponse({ description: 'At least one check is down; `error` names which, and why' })
  ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    return this.run(response, this.readinessChecks());
  }

  @Get()
  @ApiOperation({ summary: 'The same as /health/ready' })
  @ApiOkResponse({ description: 'All checks are up' })
  @ApiServiceUnavailableResponse({ description: 'At least one check is down; the body says which' })
  check(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    return this.run(response, this.readinessChecks());
  }

  private readinessChecks(): HealthCheck[] {
    const check = (key: string, attempt: () => Promise<void>) => attemptCheck(key, attempt, CHECK_TIMEOUT_MS);
    const served = this.topology.served.map(({ url }) => url);
    const remote = this.topology.remote.map(({ url }) => url);
    return [
      async () => {
        const state = this.lifecycle.shuttingDown
          ? { status: 'down' as const, reason: 'shutting down' }
          : this.lifecycle.ready
            ? { status: 'up' as const }
            : { status: 'down' as const, reason: 'starting' };
        return { key: 'process', state };
      },
      ...this.databases.all().map((database) => check(`database:${database.module}`, async () => void (await database.ping()))),
      ...brokerUrls([...served, ...remote]).map((url) => check(`broker:${redactUrl(url)}`, () => brokerReachable(url, CHECK_TIMEOUT_MS))),
      ...this.topology
        .requiredRemotes(this.registry)
        .map((module) => check(`remote:${module}`, () => this.remote.probe(module, CHECK_TIMEOUT_MS))),
    ];
  }

  private async run(response: Response, checks: HealthCheck[]): Promise<HealthCheckResult> {
    const result = await runHealthChecks(checks);
    if (result.status !== 'ok') response.status(503);
    return result;
  }
}

/** A broker URL without its password. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
}

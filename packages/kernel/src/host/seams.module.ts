import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';
import { MessagingModule } from '../messaging';
import { createRootLogger, logSettingsFrom, Metrics, ObservabilityModule } from '../observability';
import { DatabaseModule, type DatabaseSettings } from '../persistence';
import { MessageRegistry, type ModuleManifest, type Role, SeamModule, Topology } from '../seam';
import { HealthController } from './health.controller';
import { Lifecycle } from './lifecycle';
import { MetricsController } from './metrics.controller';

export interface SeamsModuleOptions {
  /** Every module of the system, those that run here and those that run elsewhere. */
  readonly manifests: readonly ModuleManifest[];
  /** Where the modules' databases are (each local module gets its own schema and pool). */
  readonly database: DatabaseSettings;
  /** The monolith (default) or one module's host. Ignored when `topology` is given. */
  readonly role?: Role;
  /**
   * Where each module runs; default `Topology.fromEnvironment(registry, role, env)`
   * (`SEAMS_<MODULE>=remote` with `SEAMS_<MODULE>_URL`, ...).
   */
  readonly topology?: Topology;
  /** The settings the seam and the outbox relay read (`SEAMS_*`); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** The process's root logger; default one made from `env` (`SEAMS_LOG_LEVEL`, `SEAMS_LOG_FORMAT`). */
  readonly logger?: Logger;
  /** The process's metrics registry; default a new one. */
  readonly metrics?: Metrics;
  /**
   * Import the Nest module of every module that runs here, through its manifest's `load()`
   * (default true). A module that runs elsewhere is never loaded.
   */
  readonly loadModules?: boolean;
}

/**
 * What an app needs to run Seams modules, as one Nest module: logs and metrics, the seam (local
 * buses and remote clients, and the receiving side for the modules this process serves), the
 * modules' databases, the outbox relay, `GET /health/live`, `GET /health/ready`, `GET /metrics`,
 * and the `Lifecycle` that graceful shutdown (`shutDownGracefully`) turns to "stopping".
 *
 *     @Module({ imports: [SeamsModule.forRoot({ manifests: [ordersManifest, billingManifest], database })] })
 *     export class AppModule {}
 *
 * Import it once, in the composition root. The HTTP side every request meets is applied to the
 * app with `applyHttpEdge`; the seam's listeners are connected with `connectSeamServers`.
 */
@Global()
@Module({})
export class SeamsModule {
  static forRoot(options: SeamsModuleOptions): DynamicModule {
    const env = options.env ?? process.env;
    const registry = new MessageRegistry(options.manifests);
    const topology = options.topology ?? Topology.fromEnvironment(registry, options.role ?? { kind: 'monolith' }, env);
    const service = topology.role.kind === 'monolith' ? 'monolith' : topology.role.module;
    const logger = options.logger ?? createRootLogger(logSettingsFrom(env, service));
    const local = options.manifests.filter((manifest) => topology.isLocal(manifest.name));
    return {
      module: SeamsModule,
      imports: [
        ObservabilityModule.forRoot({ root: logger, metrics: options.metrics ?? new Metrics() }),
        SeamModule.forRoot({ registry, topology, env }),
        DatabaseModule.forRoot(options.database),
        MessagingModule.forRoot(env),
        TerminusModule,
        ...(options.loadModules === false ? [] : [localModules(local)]),
      ],
      controllers: [HealthController, MetricsController],
      providers: [Lifecycle],
      exports: [Lifecycle],
    };
  }
}

@Module({})
class SeamsLocalModules {}

/** The Nest modules of the modules that run here, loaded while Nest scans the imports. */
async function localModules(manifests: readonly ModuleManifest[]): Promise<DynamicModule> {
  const modules: Type<unknown>[] = await Promise.all(manifests.map((manifest) => manifest.load()));
  return { module: SeamsLocalModules, imports: modules };
}

import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { MessagingModule, type MessagingOptions } from '../messaging';
import { createRootLogger, logSettings, Metrics, ObservabilityModule } from '../observability';
import { DatabaseModule, type DatabaseSettings } from '../persistence';
import { MessageRegistry, type ModuleManifest, moduleSettingsModule, type Role, SeamModule, type SeamOptions, Topology, type TopologyOptions } from '../seam';
import { HealthController } from './health.controller';
import { Lifecycle } from './lifecycle';
import { METRICS_TOKEN, MetricsController } from './metrics.controller';

export interface SeamsModuleOptions {
  /** Every module of the system, those that run here and those that run elsewhere. */
  readonly manifests: readonly ModuleManifest[];
  /** Where the modules' databases are (each local module gets its own schema and pool). */
  readonly database: DatabaseSettings;
  /** The seam's options: who issues the tokens it accepts (required), its time budget, TLS, policies. */
  readonly seam: SeamOptions;
  /** The outbox relay's options (every one has a default). */
  readonly messaging?: MessagingOptions;
  /** Where each module runs; default: made from `role` and `placement` (`Topology.create`). */
  readonly topology?: Topology;
  /** The monolith (default) or one module's host; used when `topology` is not given. */
  readonly role?: Role;
  /** Placement and addresses per module; used when `topology` is not given (default: all local). */
  readonly placement?: TopologyOptions;
  /** The process's root logger; default an info-level one. */
  readonly logger?: Logger;
  /** The process's metrics registry; default a new one. */
  readonly metrics?: Metrics;
  /**
   * The bearer token `GET /metrics` asks for (Prometheus' `authorization` setting sends it);
   * without one the endpoint is open (the host refuses that in production).
   */
  readonly metricsToken?: string;
  /**
   * Import the Nest module of every module that runs here, through its manifest's `load()`
   * (default true). A module that runs elsewhere is never loaded.
   */
  readonly loadModules?: boolean;
  /**
   * The values of the modules' own settings (`defineSettings`), by module, as the host read
   * them; a module missing here gets its settings' defaults.
   */
  readonly moduleSettings?: Readonly<Record<string, unknown>>;
}

/**
 * What an app needs to run Seams modules, as one Nest module: logs and metrics, the seam (local
 * buses and remote clients, and the receiving side for the modules this process serves), the
 * modules' databases, the outbox relay, `GET /health/live`, `GET /health/ready`, `GET /metrics`,
 * and the `Lifecycle` that graceful shutdown (`shutDownGracefully`) turns to "stopping".
 *
 *     @Module({ imports: [SeamsModule.forRoot({ manifests: [ordersManifest, billingManifest], database, seam: { auth } })] })
 *     export class AppModule {}
 *
 * Import it once, in the composition root. The HTTP side every request meets is applied to the
 * app with `applyHttpEdge`; the seam's listeners are connected with `connectSeamServers`.
 */
@Global()
@Module({})
export class SeamsModule {
  static forRoot(options: SeamsModuleOptions): DynamicModule {
    const registry = new MessageRegistry(options.manifests);
    const topology = options.topology ?? Topology.create(registry, options.role ?? { kind: 'monolith' }, options.placement);
    const service = topology.role.kind === 'monolith' ? 'monolith' : topology.role.module;
    const logger = options.logger ?? createRootLogger(logSettings({ service }));
    const local = options.manifests.filter((manifest) => topology.isLocal(manifest.name));
    return {
      module: SeamsModule,
      imports: [
        ObservabilityModule.forRoot({ root: logger, metrics: options.metrics ?? new Metrics() }),
        SeamModule.forRoot({ registry, topology, ...options.seam }),
        // The module roles' passwords derive from the deployment's service secret unless told otherwise.
        DatabaseModule.forRoot({ roleSecret: options.seam.auth.serviceSecret, ...options.database }),
        MessagingModule.forRoot(options.messaging),
        moduleSettingsModule(local, options.moduleSettings),
        ...(options.loadModules === false ? [] : [localModules(local)]),
      ],
      controllers: [HealthController, MetricsController],
      providers: [Lifecycle, { provide: METRICS_TOKEN, useValue: options.metricsToken }],
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

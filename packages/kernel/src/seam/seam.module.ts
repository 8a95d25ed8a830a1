import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { CqrsModule, CommandBus, QueryBus } from '@nestjs/cqrs';
import { DiscoveryModule } from '@nestjs/core';
import { SeamObserver } from '../observability/seam-observer';
import { SeamSecurity } from '../security/seam-security';
import { EventDispatcher } from './event-dispatcher';
import { MessageRegistry } from './manifest';
import { RemoteModules, SEAM_TIMEOUT } from './remote-modules';
import { RoutingSeam } from './routing-seam';
import { Seam } from './seam';
import { seamController } from './seam-controller';
import { type ResolvedSeamOptions, SEAM_OPTIONS, type SeamModuleAsyncOptions, type SeamModuleOptions, seamOptions } from './seam-options';
import { SeamReceiver } from './seam-receiver';
import { ShadowRuns } from './shadow';
import { Topology } from './topology';

/**
 * Provides the `Seam` (and its receiving side) to every module. Imported once, by the host:
 * `SeamModule.forRoot({ registry, topology, auth, timeoutMs, tls, resilience })`, or
 * `SeamModule.forRootAsync({ registry, topology, useFactory, inject })` when the options come
 * from a provider (a configuration service). The options are checked at start.
 */
@Global()
@Module({})
export class SeamModule {
  static forRoot(options: SeamModuleOptions): DynamicModule {
    const { registry, topology, ...rest } = options;
    const checked = seamOptions(rest);
    return SeamModule.build(registry, topology, [{ provide: SEAM_OPTIONS, useValue: checked }], []);
  }

  static forRootAsync(options: SeamModuleAsyncOptions): DynamicModule {
    const factory = options.useFactory as (...args: unknown[]) => ReturnType<SeamModuleAsyncOptions['useFactory']>;
    const provider: Provider = {
      provide: SEAM_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: unknown[]) => seamOptions(await factory(...args)),
    };
    return SeamModule.build(options.registry, options.topology, [provider], options.imports ?? []);
  }

  private static build(registry: MessageRegistry, topology: Topology, optionProviders: Provider[], imports: NonNullable<DynamicModule['imports']>): DynamicModule {
    const served = topology.served.map(({ module }) => module);
    return {
      module: SeamModule,
      imports: [CqrsModule.forRoot(), DiscoveryModule, ...imports],
      providers: [
        ...optionProviders,
        { provide: MessageRegistry, useValue: registry },
        { provide: Topology, useValue: topology },
        { provide: SEAM_TIMEOUT, inject: [SEAM_OPTIONS], useFactory: (options: ResolvedSeamOptions) => options.timeoutMs },
        {
          provide: SeamSecurity,
          inject: [SEAM_OPTIONS],
          useFactory: (options: ResolvedSeamOptions) => SeamSecurity.create(options.auth, topology.role.kind === 'monolith' ? 'monolith' : topology.role.module),
        },
        EventDispatcher,
        RemoteModules,
        SeamReceiver,
        ShadowRuns,
        {
          provide: Seam,
          inject: [CommandBus, QueryBus, RemoteModules, MessageRegistry, Topology, SEAM_TIMEOUT, { token: SeamObserver, optional: true }, ShadowRuns],
          useFactory: (
            commands: CommandBus,
            queries: QueryBus,
            remote: RemoteModules,
            registry: MessageRegistry,
            topology: Topology,
            timeoutMs: number,
            observer: SeamObserver | undefined,
            shadows: ShadowRuns,
          ) => new RoutingSeam(commands, queries, remote, registry, topology, timeoutMs, observer ?? undefined, shadows),
        },
      ],
      controllers: served.length > 0 ? [seamController(served, topology.namespace)] : [],
      exports: [Seam, CqrsModule, MessageRegistry, Topology, EventDispatcher, RemoteModules, SeamReceiver, SeamSecurity, ShadowRuns, SEAM_TIMEOUT, SEAM_OPTIONS],
    };
  }
}

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CqrsModule, CommandBus, QueryBus } from '@nestjs/cqrs';
import { DiscoveryModule } from '@nestjs/core';
import { SeamObserver } from '../observability/seam-observer';
import { SeamSecurity } from '../security/seam-security';
import { EventDispatcher } from './event-dispatcher';
import { MessageRegistry } from './manifest';
import { RemoteModules, SEAM_ENV, SEAM_TIMEOUT, TLS_FILES, timeoutFromEnvironment } from './remote-modules';
import { RoutingSeam } from './routing-seam';
import { Seam } from './seam';
import { seamController } from './seam-controller';
import { SeamReceiver } from './seam-receiver';
import { ShadowRuns } from './shadow';
import { Topology } from './topology';
import { tlsFromEnvironment } from './transport';

/** Provides the `Seam` (and its receiving side) to every module. Imported once, by the host. */
@Global()
@Module({})
export class SeamModule {
  static forRoot(options: { registry: MessageRegistry; topology: Topology; env: NodeJS.ProcessEnv }): DynamicModule {
    const served = options.topology.served.map(({ module }) => module);
    return {
      module: SeamModule,
      imports: [CqrsModule.forRoot(), DiscoveryModule],
      providers: [
        { provide: MessageRegistry, useValue: options.registry },
        { provide: Topology, useValue: options.topology },
        { provide: TLS_FILES, useFactory: () => tlsFromEnvironment(options.env) },
        { provide: SEAM_TIMEOUT, useFactory: () => timeoutFromEnvironment(options.env) },
        { provide: SEAM_ENV, useValue: options.env },
        {
          provide: SeamSecurity,
          useFactory: () => SeamSecurity.create(options.env, options.topology.role.kind === 'monolith' ? 'monolith' : options.topology.role.module),
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
      controllers: served.length > 0 ? [seamController(served, options.topology.namespace)] : [],
      exports: [Seam, CqrsModule, MessageRegistry, Topology, EventDispatcher, RemoteModules, SeamReceiver, SeamSecurity, ShadowRuns, SEAM_TIMEOUT],
    };
  }
}

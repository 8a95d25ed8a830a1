import { type DynamicModule, type FactoryProvider, Global, Module, type ModuleMetadata } from '@nestjs/common';
import { OutboxAdmin } from './outbox-admin';
import { OutboxRelay } from './outbox-relay';
import { RELAY_SETTINGS, type RelaySettings, relaySettings } from './relay-settings';

export type MessagingOptions = Partial<RelaySettings>;

export interface MessagingAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly useFactory: (...args: never[]) => MessagingOptions | Promise<MessagingOptions>;
  readonly inject?: FactoryProvider['inject'];
}

/**
 * The outbox relay and its admin service. Imported once, by the host:
 * `MessagingModule.forRoot({ pollMs, batch, ... })` (every option has a default), or
 * `forRootAsync({ useFactory, inject })`. The options are checked at start.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions = {}): DynamicModule {
    const settings = relaySettings(options);
    return MessagingModule.build({ provide: RELAY_SETTINGS, useValue: settings }, []);
  }

  static forRootAsync(options: MessagingAsyncOptions): DynamicModule {
    const factory = options.useFactory as (...args: unknown[]) => MessagingOptions | Promise<MessagingOptions>;
    return MessagingModule.build(
      { provide: RELAY_SETTINGS, inject: options.inject ?? [], useFactory: async (...args: unknown[]) => relaySettings(await factory(...args)) },
      options.imports ?? [],
    );
  }

  private static build(settings: DynamicModule['providers'] extends (infer P)[] | undefined ? P : never, imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: MessagingModule,
      imports,
      providers: [settings, OutboxRelay, OutboxAdmin],
      exports: [OutboxRelay, OutboxAdmin],
    };
  }
}

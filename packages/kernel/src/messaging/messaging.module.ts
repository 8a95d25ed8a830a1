import { type DynamicModule, Global, Module } from '@nestjs/common';
import { OutboxAdmin } from './outbox-admin';
import { OutboxRelay } from './outbox-relay';
import { RELAY_SETTINGS, relaySettingsFrom } from './relay-settings';

/** The outbox relay and its admin service. Imported once, by the host. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: MessagingModule,
      providers: [{ provide: RELAY_SETTINGS, useFactory: () => relaySettingsFrom(env) }, OutboxRelay, OutboxAdmin],
      exports: [OutboxRelay, OutboxAdmin],
    };
  }
}

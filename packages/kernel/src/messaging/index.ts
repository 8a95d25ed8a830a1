export { MessagingModule } from './messaging.module';
export type { MessagingOptions, MessagingAsyncOptions } from './messaging.module';
export { relaySettings, RELAY_DEFAULTS, checkLease } from './relay-settings';
export type { RelaySettings } from './relay-settings';
export { OutboxRelay } from './outbox-relay';
export { OutboxAdmin, outboxStatsQuery, ReplayNotFoundError, UnknownSubscriberError } from './outbox-admin';
export type { DeliveryStatus, DeliveryView, OutboxStats, ReplayStart, ReplayState, ReplayView } from './outbox-admin';

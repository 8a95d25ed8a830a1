export { MessagingModule } from './messaging.module';
export { OutboxRelay } from './outbox-relay';
export { OutboxAdmin } from './outbox-admin';
export type { DeliveryStatus, DeliveryView, OutboxStats } from './outbox-admin';

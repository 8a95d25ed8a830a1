export { Command, Query, IntegrationEvent, parseWireName, wireNameOf } from './message';
export type { MessageClass, MessageKind } from './message';
export { DomainError } from './domain-error';
export type { ErrorKind } from './domain-error';

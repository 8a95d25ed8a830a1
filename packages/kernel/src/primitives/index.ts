export { Command, Query, IntegrationEvent, parseWireName, kindOf, isMessageClass } from './message';
export type { MessageClass, MessageKind } from './message';
export { DomainError } from './domain-error';
export type { ErrorKind } from './domain-error';
export { z, validate, toJsonSchema, formatPath, isSchema } from './schema';
export type { Schema, Infer, DeepReadonly, Issue, Validated } from './schema';
export { maxLengthOf, stringFieldsOf, cutToLength } from './bounds';
export type { StringField } from './bounds';
export { DependencyUnavailableError, asUnavailable } from './unavailable';

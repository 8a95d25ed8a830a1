import type { ICommand, IQuery } from '@nestjs/cqrs';
import type { Command, Query } from '../primitives';

/**
 * The kernel's `Command<TResult>` and `Query<TResult>` (primitives) import nothing from NestJS,
 * so @nestjs/cqrs's typed overloads of `execute` do not recognise them. This teaches the buses
 * the result type of a kernel message: `commandBus.execute(new AddNote(...))` is a
 * `Promise<NoteProps>`. Type-level only; loaded with `@seams/kernel/seam`.
 */
/* eslint-disable @typescript-eslint/no-unused-vars -- a merged declaration repeats the class's type parameters */
declare module '@nestjs/cqrs' {
  interface CommandBus<CommandBase extends ICommand = ICommand> {
    execute<R>(command: Command<R>): Promise<R>;
  }
  interface QueryBus<QueryBase extends IQuery = IQuery> {
    execute<R>(query: Query<R>): Promise<R>;
  }
}
/* eslint-enable @typescript-eslint/no-unused-vars */

/** What a message answers: `ResultOf<AddNote>` is `NoteProps`. */
export type ResultOf<M> = M extends Command<infer R> ? R : M extends Query<infer R> ? R : never;

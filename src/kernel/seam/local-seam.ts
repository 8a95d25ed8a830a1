import { Injectable } from '@nestjs/common';
import { CommandBus, EventBus, QueryBus } from '@nestjs/cqrs';
import type { Command, IntegrationEvent, Query } from '../primitives';
import { Seam } from './seam';

/**
 * In-process seam: a straight hand-off to the `@nestjs/cqrs` buses. No serialisation and no
 * copies; the message object the caller built is the one the handler receives.
 */
@Injectable()
export class LocalSeam extends Seam {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly events: EventBus,
  ) {
    super();
  }

  send<TResult>(command: Command<TResult>): Promise<TResult> {
    return this.commands.execute(command);
  }

  ask<TResult>(query: Query<TResult>): Promise<TResult> {
    return this.queries.execute(query);
  }

  async publish(events: readonly IntegrationEvent[]): Promise<void> {
    if (events.length > 0) this.events.publishAll([...events]);
  }
}

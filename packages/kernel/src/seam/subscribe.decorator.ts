import { Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import type { IntegrationEvent, MessageClass } from '../primitives';

export const SUBSCRIBES_TO = Symbol('seams:subscribes-to');

/** A subscriber's one method: it must be safe to run twice for the same event. */
export interface EventSubscriber<E extends IntegrationEvent> {
  handle(event: E): Promise<void>;
}

/**
 * Marks a provider as the subscriber of an event of another module's contract:
 * `@Subscribe(NoteAdded) class OnNoteAdded implements EventSubscriber<NoteAdded>`.
 * The module's manifest must list the event under `subscribes` (checked at start-up).
 */
export function Subscribe(event: MessageClass<IntegrationEvent>): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(SUBSCRIBES_TO, event));
}

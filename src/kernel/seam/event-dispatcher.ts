import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { IntegrationEvent, MessageClass } from '../primitives';
import { MessageRegistry } from './manifest';
import { type EventSubscriber, SUBSCRIBES_TO } from './subscribe.decorator';
import { Topology } from './topology';

interface Registered {
  readonly module: string;
  readonly name: string;
  readonly subscriber: EventSubscriber<IntegrationEvent>;
}

/**
 * Runs the subscribers of this process. Subscribers are keyed by the event's wire name, so
 * an event rebuilt from the wire finds the same subscribers as one published in process.
 * (The `@nestjs/cqrs` EventBus is fire-and-forget: it cannot say when or whether a handler
 * finished, which an acknowledgement across the seam needs.)
 */
@Injectable()
export class EventDispatcher implements OnApplicationBootstrap {
  private readonly logger = new Logger('Events');
  private readonly subscribers = new Map<string, Registered[]>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly registry: MessageRegistry,
    private readonly topology: Topology,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const event = wrapper.metatype
        ? this.reflector.get<MessageClass<IntegrationEvent> | undefined>(SUBSCRIBES_TO, wrapper.metatype)
        : undefined;
      if (!event || !wrapper.instance) continue;
      const module = this.moduleOf(wrapper.metatype as object, event);
      const list = this.subscribers.get(event.wire) ?? [];
      list.push({ module, name: (wrapper.metatype as { name: string }).name, subscriber: wrapper.instance });
      this.subscribers.set(event.wire, list);
    }
  }

  /** Whether any subscriber of this process listens to `wire`. */
  has(wire: string): boolean {
    return this.subscribers.has(wire);
  }

  /** Runs every local subscriber of the event and resolves when all have finished. */
  async dispatch(wire: string, event: IntegrationEvent): Promise<void> {
    const subscribers = this.subscribers.get(wire);
    if (!subscribers) return;
    const results = await Promise.allSettled(subscribers.map(({ subscriber }) => subscriber.handle(event)));
    const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [[subscribers[index], result.reason]] : []));
    if (failed.length > 0) {
      for (const [registered, reason] of failed as [Registered, unknown][]) {
        this.logger.error(`${registered.module}/${registered.name} failed on ${wire}`, (reason as Error)?.stack ?? String(reason));
      }
      throw (failed[0] as [Registered, unknown])[1];
    }
  }

  /** The subscriber's module: the local module whose manifest subscribes to the event. */
  private moduleOf(type: object, event: MessageClass): string {
    const modules = this.registry.manifests.filter(
      (m) => this.topology.isLocal(m.name) && m.subscribes.includes(event),
    );
    if (modules.length === 0) {
      throw new Error(
        `${(type as { name: string }).name} subscribes to ${event.wire}, but no running module's manifest lists it under "subscribes"`,
      );
    }
    return modules.map((m) => m.name).join(',');
  }
}

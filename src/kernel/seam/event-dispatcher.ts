import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { DomainError, IntegrationEvent, MessageClass } from '../primitives';
import { MessageRegistry } from './manifest';
import { RequestContexts } from './request-context';
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

  /** The inbox handler names (`<module>/<Subscriber>`) that `module` has for the event. */
  handlersOf(module: string, wire: string): string[] {
    return (this.subscribers.get(wire) ?? []).filter((r) => r.module === module).map((r) => `${module}/${r.name}`);
  }

  /**
   * Runs the subscribers that `module` has for the event, each with its inbox claim on
   * `eventId`, and resolves when all have finished. A subscriber that handled the event
   * before does nothing again; a failure of any subscriber rejects (the delivery is retried,
   * and those that succeeded are kept from running twice by their inbox records).
   */
  async dispatchTo(module: string, wire: string, event: IntegrationEvent, eventId: string): Promise<void> {
    const subscribers = (this.subscribers.get(wire) ?? []).filter((registered) => registered.module === module);
    const context = RequestContexts.current();
    const run = (registered: Registered) =>
      RequestContexts.run(
        {
          correlationId: context?.correlationId ?? eventId,
          causationId: context?.causationId,
          messageId: eventId,
          deadline: context?.deadline,
          identity: context?.identity,
          batch: context?.batch,
          delivery: { eventId, module, handler: `${module}/${registered.name}`, claimed: false },
        },
        () => registered.subscriber.handle(event),
      );
    // In a batch the subscribers share one transaction, so they take turns on its connection.
    const results: PromiseSettledResult<void>[] = [];
    if (context?.batch) {
      for (const registered of subscribers) results.push(...(await Promise.allSettled([run(registered)])));
    } else {
      results.push(...(await Promise.allSettled(subscribers.map(run))));
    }
    const failures = results.flatMap((result, index) =>
      result.status === 'rejected' && (result.reason as DomainError)?.code !== 'seam.duplicate-delivery'
        ? [{ registered: subscribers[index], reason: result.reason as unknown }]
        : [],
    );
    for (const { registered, reason } of failures) {
      this.logger.error(`${registered.module}/${registered.name} failed on ${wire} ${eventId}`, (reason as Error)?.stack ?? String(reason));
    }
    if (failures.length > 0) throw failures[0].reason;
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

import { Injectable, Logger, type OnApplicationBootstrap, Optional, type Type } from '@nestjs/common';
import { DiscoveryService, ModulesContainer, Reflector } from '@nestjs/core';
import type { Counter } from 'prom-client';
import { admitterOf, type DomainError, type IntegrationEvent, type MessageClass, Refused } from '../primitives';
import { SeamObserver } from '../observability/seam-observer';
import { MessageRegistry } from './manifest';
import { RequestContexts } from '../context';
import { InvalidMessageError } from './seam-errors';
import { type EventSubscriber, SUBSCRIBES_TO } from './subscribe.decorator';
import { Topology } from './topology';

type NestModule = ModulesContainer extends Map<string, infer M> ? M : never;

interface Registered {
  readonly module: string;
  /** The event class the subscriber declared (`@Subscribe(Event)`): its schema checks what it is given. */
  readonly event: MessageClass<IntegrationEvent>;
  readonly name: string;
  readonly subscriber: EventSubscriber<IntegrationEvent>;
}

/** What `dispatchTo` did: whether some subscriber of the module ran the event (not only found it handled before). */
export interface Dispatched {
  readonly handled: boolean;
}

/**
 * Runs the subscribers of this process. Subscribers are keyed by the event's wire name, so
 * an event rebuilt from the wire finds the same subscribers as one published in process.
 * (The `@nestjs/cqrs` EventBus is fire-and-forget: it cannot say when or whether a handler
 * finished, which an acknowledgement across the seam needs.)
 *
 * Each subscriber belongs to the module whose Nest module declares it (directly or through a
 * module it imports), never to "every module that lists the event": two modules of one
 * process that subscribe to one event each get it, each once.
 */
@Injectable()
export class EventDispatcher implements OnApplicationBootstrap {
  private readonly logger = new Logger('Events');
  private readonly subscribers = new Map<string, Registered[]>();
  private readonly handledTotal: Counter<'module' | 'message'>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly registry: MessageRegistry,
    private readonly topology: Topology,
    private readonly container: ModulesContainer,
    @Optional() observer?: SeamObserver,
  ) {
    this.handledTotal = (observer ?? SeamObserver.standalone()).metrics.counter(
      'seams_events_handled_total',
      'Events handled by a subscribing module of this process, once per event and module (redeliveries its inbox absorbed are not counted)',
      ['module', 'message'],
    );
  }

  /**
   * Finds every subscriber, attributes it to its module, and refuses a start where a local
   * module's manifest and its subscribers disagree (a listed event nobody handles would be
   * acknowledged unhandled; a handler of an unlisted event would never be delivered to).
   */
  async onApplicationBootstrap(): Promise<void> {
    const owners = await this.ownersOfNestModules();
    const problems: string[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const event = wrapper.metatype
        ? this.reflector.get<MessageClass<IntegrationEvent> | undefined>(SUBSCRIBES_TO, wrapper.metatype)
        : undefined;
      if (!event || !wrapper.instance) continue;
      const name = (wrapper.metatype as { name: string }).name;
      const module = wrapper.host ? owners.get(wrapper.host.metatype) : undefined;
      if (module === undefined) {
        problems.push(`${name} subscribes to ${event.wire}, but it is declared outside every running module`);
        continue;
      }
      if (!this.registry.manifest(module)?.subscribes.includes(event)) {
        problems.push(`${module}/${name} subscribes to ${event.wire}, which the ${module} manifest does not list under "subscribes"`);
        continue;
      }
      const list = this.subscribers.get(event.wire) ?? [];
      list.push({ module, event, name, subscriber: wrapper.instance as EventSubscriber<IntegrationEvent> });
      this.subscribers.set(event.wire, list);
    }
    for (const manifest of this.registry.manifests) {
      if (!this.topology.isLocal(manifest.name)) continue;
      for (const event of manifest.subscribes) {
        if (this.handlersOf(manifest.name, event.wire).length === 0) {
          problems.push(`the ${manifest.name} manifest subscribes to ${event.wire}, but no @Subscribe(${(event as unknown as Type).name}) provider of ${manifest.name} handles it`);
        }
      }
    }
    if (problems.length > 0) throw new Error(`Subscriptions do not match the manifests: ${problems.join('; ')}`);
  }

  /** The inbox handler names (`<module>/<Subscriber>`) that `module` has for the event. */
  handlersOf(module: string, wire: string): string[] {
    return (this.subscribers.get(wire) ?? []).filter((r) => r.module === module).map((r) => `${module}/${r.name}`);
  }

  /**
   * Runs the subscribers that `module` has for the event, each with its inbox claim on
   * `eventId`, and resolves when all have finished. A subscriber that handled the event
   * before does nothing again; a failure of any subscriber rejects (the delivery is retried,
   * and those that succeeded are kept from running twice by their inbox records). The payload
   * is checked against the event's contract first, as a module host checks it: an event that
   * does not fit reaches no subscriber. `checked`: the caller has just checked it against the
   * same contract (a module host's receiver does, for every envelope), so it is not checked twice.
   *
   * Outside a relay batch, a handled event is counted in `seams_events_handled_total` here;
   * inside one, the relay counts it once the batch has committed (`countHandled`).
   */
  async dispatchTo(module: string, wire: string, event: IntegrationEvent, eventId: string, checked = false): Promise<Dispatched> {
    const subscribers = (this.subscribers.get(wire) ?? []).filter((registered) => registered.module === module);
    if (subscribers.length === 0) throw new Error(`${module} has no subscriber of ${wire} in this process`);
    // As a module host: the subscribers get the contract's parse of the event (ADR 0031).
    const admitted = checked ? event : admitterOf(subscribers[0].event.schema)(event);
    if (admitted instanceof Refused) throw new InvalidMessageError(wire, admitted.issues);
    const given = admitted === event ? event : (Object.assign(Object.create(subscribers[0].event.prototype as object) as object, admitted) as IntegrationEvent);
    const context = RequestContexts.current();
    const run = (registered: Registered) =>
      RequestContexts.run(
        {
          correlationId: context?.correlationId ?? eventId,
          causationId: context?.causationId,
          messageId: eventId,
          deadline: context?.deadline,
          identity: context?.identity,
          principal: context?.principal,
          batch: context?.batch,
          delivery: { eventId, module, handler: `${module}/${registered.name}`, claimed: false },
        },
        () => registered.subscriber.handle(given),
      );
    // In a batch the subscribers share one transaction, so they take turns on its connection.
    const results: PromiseSettledResult<void>[] = [];
    if (context?.batch) {
      for (const registered of subscribers) results.push(...(await Promise.allSettled([run(registered)])));
    } else {
      results.push(...(await Promise.allSettled(subscribers.map(run))));
    }
    const duplicate = (result: PromiseSettledResult<void>) =>
      result.status === 'rejected' && (result.reason as DomainError)?.code === 'seam.duplicate-delivery';
    const failures = results.flatMap((result, index) =>
      result.status === 'rejected' && !duplicate(result) ? [{ registered: subscribers[index], reason: result.reason as unknown }] : [],
    );
    for (const { registered, reason } of failures) {
      this.logger.error(`${registered.module}/${registered.name} failed on ${wire} ${eventId}`, (reason as Error)?.stack ?? String(reason));
    }
    if (failures.length > 0) throw failures[0].reason;
    const handled = results.some((result) => !duplicate(result));
    if (handled && !context?.batch) this.countHandled(module, wire);
    return { handled };
  }

  /** Counts one event handled by `module` (after its commit). */
  countHandled(module: string, wire: string): void {
    this.handledTotal.inc({ module, message: wire });
  }

  /** Each Nest module of this process, mapped to the seam module that declares it (itself or by an import). */
  private async ownersOfNestModules(): Promise<Map<unknown, string>> {
    const owners = new Map<unknown, string>();
    const byType = new Map<unknown, NestModule>();
    for (const module of this.container.values()) byType.set(module.metatype, module);
    // The host loaded every local module already (the same module class comes back). A stand-in
    // that cannot be loaded (a test fake registered by hand) owns no subscriber.
    const local = this.registry.manifests.filter((m) => this.topology.isLocal(m.name));
    const roots = await Promise.all(local.map(async (m) => ({ name: m.name, root: await m.load().catch(() => undefined) })));
    for (const { name, root } of roots) {
      if (root === undefined) continue;
      const queue = [byType.get(root)].filter((m) => m !== undefined);
      const seen = new Set<unknown>();
      while (queue.length > 0) {
        const module = queue.shift()!;
        if (seen.has(module.metatype)) continue;
        seen.add(module.metatype);
        // A Nest module imported by two seam modules (a shared helper) owns no subscriber of its own.
        const owner = owners.get(module.metatype);
        owners.set(module.metatype, owner === undefined || owner === name ? name : '');
        for (const imported of module.imports) if (!imported.isGlobal) queue.push(imported);
      }
    }
    for (const [type, owner] of owners) if (owner === '') owners.delete(type);
    return owners;
  }
}

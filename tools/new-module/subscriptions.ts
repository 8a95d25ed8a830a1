import { kindOf, type MessageClass, parseWireName, toJsonSchema, validate } from '@seams/kernel/primitives';
import type { ModuleManifest } from '@seams/kernel/seam';
import { samplePayload } from './sample';

/** One event a new module subscribes to (`--subscribe <wire name>`), and the names its files go by. */
export interface Subscription {
  /** `ordering.order-confirmed.v1` */
  readonly wire: string;
  /** The publishing module: `ordering` (the event class is imported from its contract/ only). */
  readonly publisher: string;
  /** The event's class as the publisher's contract exports it: `OrderConfirmed` */
  readonly eventClass: string;
  /** The use-case folder and file stem: `on-order-confirmed` */
  readonly stem: string;
  /** The subscriber's class: `OnOrderConfirmed` */
  readonly subscriberClass: string;
  /** A payload the event's schema accepts, for the generated test (undefined: none found). */
  readonly sample: Record<string, unknown> | undefined;
}

/** A `--subscribe` the tool refuses: the CLI prints its one line and exits with 2. */
export class SubscriptionRefused extends Error {}

const pascal = (kebab: string) =>
  kebab
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/**
 * Finds each wire name among the events the registered modules publish. Refuses (throws
 * `SubscriptionRefused`, naming the wire name) one that is malformed, unknown, a command or a
 * query, or an event of the new module itself. A wire name given twice counts once.
 */
export function resolveSubscriptions(module: string, wires: readonly string[], manifests: readonly ModuleManifest[]): Subscription[] {
  const messages = new Map<string, { type: MessageClass; publisher: string }>();
  for (const manifest of manifests) for (const type of manifest.contract) messages.set(type.wire, { type, publisher: manifest.name });
  const events = [...messages.values()].filter(({ type }) => kindOf(type) === 'event').map(({ type }) => type.wire).sort();
  const found = [...new Set(wires)].map((wire) => {
    const refuse = (why: string) => new SubscriptionRefused(`--subscribe ${wire}: ${why}`);
    let parsed: ReturnType<typeof parseWireName>;
    try {
      parsed = parseWireName(wire);
    } catch {
      throw refuse('not a wire name (<module>.<event>.v<version>, e.g. ordering.order-confirmed.v1)');
    }
    if (parsed.module === module) throw refuse(`that would be an event of ${module} itself; a module does not subscribe to its own events`);
    const message = messages.get(wire);
    if (!message) throw refuse(`no registered module publishes an event of that name; the events are ${events.join(', ') || '(none)'}`);
    const kind = kindOf(message.type);
    if (kind !== 'event') throw refuse(`that is a ${kind} of ${message.publisher}, not an event; a module subscribes to events only`);
    const sample = samplePayload(toJsonSchema(message.type.schema));
    return {
      wire,
      publisher: message.publisher,
      eventClass: (message.type as unknown as { name: string }).name,
      version: parsed.version,
      name: parsed.name,
      sample: validate(message.type.schema, sample).ok ? (sample as Record<string, unknown>) : undefined,
    };
  });
  // `on-order-confirmed`, unless two subscriptions share an event name (two publishers or versions).
  const clash = (name: string) => found.filter((each) => each.name === name).length > 1;
  return found.map(({ wire, publisher, eventClass, version, name, sample }) => {
    const stem = clash(name) ? `on-${publisher}-${name}-v${version}` : `on-${name}`;
    return { wire, publisher, eventClass, stem, subscriberClass: pascal(stem), sample };
  });
}

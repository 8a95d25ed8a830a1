import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who the current work is for. A `user` comes from a verified bearer token (its subject and
 * roles); a `service` is one of this deployment's own processes doing work no user asked for
 * right now (the outbox relay, a recovery job), proven by the service credential.
 */
export type Principal =
  | { readonly kind: 'user'; readonly subject: string; readonly roles: readonly string[] }
  | { readonly kind: 'service'; readonly service: string };

/**
 * What the current unit of work knows about where it comes from. Set by the HTTP layer for
 * a request and by the seam for a message received from another process; every message sent
 * from inside carries it on (see `Envelope`).
 */
export interface RequestContext {
  /** One id for everything one outside request caused, in every process. */
  readonly correlationId: string;
  /** The id of the message being handled, when the work is a message. */
  readonly messageId?: string;
  /** The id of the message (or request) that caused this one. */
  readonly causationId?: string;
  /** Epoch milliseconds after which nobody waits for the result any more. */
  readonly deadline?: number;
  /** The end user's credential (the `Authorization` header), carried so the receiver can re-check it. */
  readonly identity?: string;
  /**
   * Who the work is for, once verified: the user of a checked bearer token (set by the HTTP
   * guard, or by the seam's receiving side after checking the envelope's identity again), or
   * a service of this deployment.
   */
  principal?: Principal;
  /** Set while a subscriber handles a delivered event: the key of its inbox record. */
  readonly delivery?: InboxClaim;
  /**
   * Set while a module transaction runs: what it did that a rollback cannot undo (a command
   * sent through the seam, a call to a provider). Such a transaction is not run again after a
   * deadlock or a serialization failure, so its effects do not happen twice.
   */
  readonly effects?: { count: number; first?: string };
  /**
   * Set while the relay hands a batch of events to one module's subscribers: the transaction
   * that module's `ModuleDatabase.transaction` calls join instead of opening their own.
   */
  readonly batch?: {
    readonly module: string;
    readonly manager: unknown;
    /** Inbox keys (`<event id> <handler>`) the batch claimed up front, and those found already handled. */
    readonly claimed: ReadonlySet<string>;
    readonly handledBefore: ReadonlySet<string>;
    /** Set when a joined transaction failed: its partial work must not commit with the batch. */
    poisoned: boolean;
  };
}

/**
 * A subscriber's claim on one event: the first transaction it runs records the event in its
 * module's inbox, in the same commit as its effect. A second delivery of the same event finds
 * the record and does nothing (`DuplicateDeliveryError`).
 */
export interface InboxClaim {
  readonly eventId: string;
  /** The subscriber's module: only a transaction on that module's database claims. */
  readonly module: string;
  /** `<module>/<SubscriberClass>`: two subscribers of one event each handle it once. */
  readonly handler: string;
  claimed: boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const RequestContexts = {
  run<T>(context: RequestContext, work: () => T): T {
    return storage.run(context, work);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  /**
   * Records that the current work did something a database rollback cannot undo (`what`:
   * a command sent, a provider charged). Inside a module transaction this keeps the kernel from
   * running the transaction again after a conflict. The seam records every command it sends;
   * adapters of outside services call it themselves.
   */
  sideEffect(what: string): void {
    const effects = storage.getStore()?.effects;
    if (!effects) return;
    effects.count++;
    effects.first ??= what;
  },
  /** Runs `work` as this deployment's `service` (background jobs no user asked for right now). */
  runAsService<T>(service: string, work: () => T): T {
    const current = storage.getStore();
    return storage.run({ correlationId: current?.correlationId ?? `${service}-job`, ...current, identity: undefined, principal: { kind: 'service', service } }, work);
  },
};

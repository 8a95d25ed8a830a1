import fc from 'fast-check';
import { type ProbeModuleSpec, type ProbeSubscription, type ProbeSystem, SLOW_FROM, subscriberName, UNLUCKY_VALUE } from './probe-system';

/**
 * One simulated run: a system of probe modules, where each module runs, what is sent to them
 * and what goes wrong. Generated from a seed by fast-check (so a failure shrinks to a smaller
 * system and workload), and plain JSON (so it prints, and a module host rebuilds the system).
 */
export interface Scenario {
  readonly system: ProbeSystem;
  readonly placement: Placement;
  /** Sent one at a time, in every placement; the answers must agree. */
  readonly probe: readonly Step[];
  /** Sent by several senders at once, with the faults, in the placement under test. */
  readonly load: readonly (readonly Step[])[];
  readonly faults: Faults;
}

export type Transport = 'tcp' | 'nats' | 'amqp';

export interface Placement {
  /** Modules that run in module host processes of their own; the rest run in the monolith. */
  readonly remote: readonly string[];
  readonly transport: Transport;
}

/**
 * A message to send. `from` names a module whose process sends it when that module is placed
 * remote (its host sends it, so it crosses into the monolith, which serves several modules);
 * otherwise, and in the all-local run, the monolith sends it.
 */
export type Step = (
  | { readonly kind: 'put'; readonly module: string; readonly key: string; readonly value: number }
  | { readonly kind: 'get'; readonly module: string; readonly key: string }
  /** A payload that breaks the contract of `<module>.<message>.v1`. */
  | { readonly kind: 'invalid'; readonly module: string; readonly message: 'put' | 'get'; readonly payload: Record<string, unknown> }
) & { readonly from?: string };

export interface Fault {
  readonly module: string;
  /** `put` (the command handler) or a subscriber's name (see `subscriberName`). */
  readonly handler: string;
  readonly key: string;
  /** Attempts that fail; `KEPT_FAILING` never stops. */
  readonly remaining: number;
}

export interface Faults {
  /** Subscribers that throw, per key, for a while or for good. */
  readonly throws: readonly Fault[];
  /** Transactions that lose a serialization conflict (SQLSTATE 40001), per key, a few times. */
  readonly conflicts: readonly Fault[];
  /**
   * Subscribers slower than the deadline, per key, a few times: each such attempt times out
   * and is rolled back, in process as in a module host (the same rule on both paths), and retried.
   */
  readonly slows?: readonly Fault[];
  /**
   * A module host SIGKILLed when the first sender has sent `afterSteps` messages, then started
   * again after `downMs` (an outage longer than a relay's attempts, as a slow restart on a
   * loaded machine makes; 0 or absent: at once).
   */
  readonly kill?: { readonly module: string; readonly afterSteps: number; readonly downMs?: number };
}

export const KEPT_FAILING = 1_000_000;
/** How long a killed host stays down when a scenario keeps it down: past every attempt a relay makes (6 × the 1 s deadline). */
export const KILL_DOWN_MS = 10_000;
export const MODULE_NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
const KEYS = ['k1', 'k2', 'k3'];

/** Payloads that break the probe contract, by what is wrong with them. */
export const INVALID_PAYLOADS: Record<'put' | 'get', Record<string, unknown>[]> = {
  put: [
    { key: 'Not A Key', value: 1 },
    { key: 'bad-long-'.padEnd(41, 'x'), value: 1 },
    { key: 'bad-type', value: 'seven' },
    { key: 'bad-range', value: 5000 },
    { key: 'bad-fraction', value: 1.5 },
    { key: 'bad-missing' },
    { key: null, value: 1 },
  ],
  get: [{ key: '' }, { key: 42 }, {}],
};

interface RawSubscription {
  readonly from: number;
  /** The subscriber: the module `1 + offset` places after `from` (never `from` itself). */
  readonly offset: number;
  readonly relayed: boolean;
  readonly handlers: number;
  readonly chain: boolean;
}

/**
 * The system a list of raw subscriptions describes, made valid: no module subscribes to
 * itself; a `relayed` event exists only where its module has a chain subscription; chains only
 * run from a module to a later one (so a chain of events always ends).
 */
export function systemOf(size: number, raw: readonly RawSubscription[]): ProbeSystem {
  const names = MODULE_NAMES.slice(0, size);
  const subscriptions = names.map(() => new Map<string, ProbeSubscription>());
  const add = (to: number, event: string, handlers: number, chain: boolean) => {
    const known = subscriptions[to].get(event);
    subscriptions[to].set(event, { event, handlers: Math.max(handlers, known?.handlers ?? 1), chain: chain || (known?.chain ?? false) });
  };
  // changed events first, so chains exist before relayed events are looked at
  const ends = (s: RawSubscription) => ({ from: s.from % size, to: (s.from + 1 + (s.offset % (size - 1))) % size });
  for (const s of raw.filter((r) => !r.relayed)) {
    const { from, to } = ends(s);
    add(to, `${names[from]}.changed.v1`, s.handlers, s.chain && from < to);
  }
  for (const s of raw.filter((r) => r.relayed)) {
    const { from, to } = ends(s);
    const publishes = [...subscriptions[from].values()].some((sub) => sub.chain);
    if (publishes) add(to, `${names[from]}.relayed.v1`, s.handlers, s.chain && from < to);
  }
  const modules: ProbeModuleSpec[] = names.map((name, index) => ({ name, subscriptions: [...subscriptions[index].values()] }));
  return { modules };
}

/** Every subscriber of a system: module, its name, the event it handles. */
export function subscribersOf(system: ProbeSystem): { module: string; handler: string; event: string }[] {
  return system.modules.flatMap((m) =>
    m.subscriptions.flatMap((s) => Array.from({ length: s.handlers }, (_, i) => ({ module: m.name, handler: subscriberName(s.event, i), event: s.event }))),
  );
}

const rawSubscription = fc.record({
  from: fc.nat(4),
  offset: fc.nat(3),
  relayed: fc.constantFrom(false, false, true),
  handlers: fc.constantFrom(1, 1, 1, 2),
  chain: fc.boolean(),
});

const step = (size: number, options: { slow: boolean }): fc.Arbitrary<Step> => {
  const module = fc.nat(size - 1).map((index) => MODULE_NAMES[index]);
  const key = fc.constantFrom(...KEYS);
  const values = [fc.integer({ min: 0, max: SLOW_FROM - 1 }), fc.integer({ min: 0, max: SLOW_FROM - 1 }), fc.constant(UNLUCKY_VALUE)];
  if (options.slow) values.push(fc.constant(SLOW_FROM + 50));
  const steps: fc.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), module, key, value: fc.oneof(...values) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('get' as const), module, key: fc.constantFrom(...KEYS, 'missing') }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ module, message: fc.constantFrom('put' as const, 'get' as const), index: fc.nat(10) })
        .map(({ module: m, message, index }) => ({
          kind: 'invalid' as const,
          module: m,
          message,
          payload: INVALID_PAYLOADS[message][index % INVALID_PAYLOADS[message].length],
        })),
    },
  );
  // A third of the messages come from another module's process (when it is placed remote).
  const from = fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: module });
  return fc.tuple(steps, from).map(([s, from]) => (from === undefined || from === s.module ? s : { ...s, from }));
};

const rawFault = fc.record({ module: fc.nat(4), handler: fc.nat(7), key: fc.constantFrom(...KEYS), kept: fc.boolean(), remaining: fc.integer({ min: 1, max: 3 }) });

/** Scenarios: a system of 2 to 5 modules, a placement, a workload and faults. */
export function scenarios(): fc.Arbitrary<Scenario> {
  return fc
    .record({
      size: fc.integer({ min: 2, max: 5 }),
      subscriptions: fc.array(rawSubscription, { minLength: 2, maxLength: 12 }),
      remote: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      transport: fc.constantFrom<Transport>('tcp', 'tcp', 'tcp', 'nats', 'amqp'),
    })
    .chain(({ size, subscriptions, remote, transport }) => {
      const system = systemOf(size, subscriptions);
      const names = MODULE_NAMES.slice(0, size);
      const placement: Placement = { remote: names.filter((_, i) => remote[i]), transport };
      const subscribers = subscribersOf(system);
      const faultOf = (kind: 'throw' | 'conflict' | 'slow') =>
        rawFault.map((raw): Fault | undefined => {
          const module = names[raw.module % size];
          const own = subscribers.filter((s) => s.module === module).map((s) => s.handler);
          const handlers = kind === 'conflict' ? ['put', ...own] : own;
          if (handlers.length === 0) return undefined;
          // A conflict is lost a few times at most (the kernel runs such a transaction again);
          // a subscriber may throw for a while or for good (its deliveries are then parked).
          const remaining = kind === 'throw' && raw.kept ? KEPT_FAILING : kind === 'throw' ? raw.remaining : Math.min(raw.remaining, 2);
          return { module, handler: handlers[raw.handler % handlers.length], key: raw.key, remaining };
        });
      const unique = (faults: (Fault | undefined)[]) => {
        const seen = new Set<string>();
        return faults.filter((f): f is Fault => f !== undefined && !seen.has(`${f.module} ${f.handler} ${f.key}`) && !!seen.add(`${f.module} ${f.handler} ${f.key}`));
      };
      return fc.record({
        system: fc.constant(system),
        placement: fc.constant(placement),
        probe: fc.array(step(size, { slow: true }), { minLength: 2, maxLength: 10 }),
        load: fc.array(fc.array(step(size, { slow: false }), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }),
        faults: fc.record({
          throws: fc.array(faultOf('throw'), { maxLength: 2 }).map(unique),
          conflicts: fc.array(faultOf('conflict'), { maxLength: 2 }).map(unique),
          slows: fc.array(faultOf('slow'), { maxLength: 1 }).map((faults) => unique(faults).filter((fault) => fault.handler !== 'put')),
          kill:
            placement.remote.length === 0
              ? fc.constant(undefined)
              : fc.option(
                  fc.record({ module: fc.constantFrom(...placement.remote), afterSteps: fc.nat(6), downMs: fc.constantFrom(0, 0, 0, KILL_DOWN_MS) }),
                  { nil: undefined },
                ),
        }),
      });
    });
}

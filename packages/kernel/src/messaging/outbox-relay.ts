import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { Client } from 'pg';
import type { IntegrationEvent } from '../primitives';
import { Lifecycle } from '../context';
import { DatabaseRegistry, type ModuleDatabase, OUTBOX_CHANNEL, returnedRows } from '../persistence';
import { type Dispatched, EventDispatcher, MessageRegistry, RequestContexts, SeamTimeoutError, Topology } from '../seam';
import { envelopeOf, RemoteModules, SEAM_TIMEOUT } from '../seam/remote-modules';
import { type ObservedRoute, SeamObserver } from '../observability/seam-observer';
import { inDeliverySpan } from '../observability/tracing';
import { backoff, deliveryBudgetMs, leaseFor, RELAY_SETTINGS, type RelaySettings } from './relay-settings';

interface Claimed {
  readonly id: string;
  readonly event_id: string;
  readonly subscriber: string;
  readonly attempts: number;
  /** Failures of the subscriber, reached, before this attempt (what parks a delivery; see `deliver`). */
  readonly failures: number;
  readonly name: string;
  readonly payload: Record<string, unknown>;
  readonly correlation_id: string | null;
  readonly causation_id: string | null;
  /** The W3C trace context of the work that published the event (null when it had none). */
  readonly traceparent: string | null;
  readonly tracestate: string | null;
}

/** Rounds of one module delivered at once (see `drain`). */
const ROUNDS_IN_FLIGHT = 2;

/** Deliveries to one local module handled in one transaction. */
const BATCH_SIZE = 20;

interface Loop {
  readonly database: ModuleDatabase;
  running: Promise<void> | undefined;
  again: boolean;
  /** Set while a drain waits with nothing to claim: a wake-up ends the wait. */
  wakeUp?: () => void;
}

/**
 * Delivers every module's outbox to its subscribers: in process through the event
 * dispatcher, to a module elsewhere over its transport, each delivery acknowledged before it
 * counts as done. Woken by LISTEN/NOTIFY when a transaction commits events, and by a polling
 * fallback. Several instances can run side by side: a delivery is claimed with
 * `FOR UPDATE SKIP LOCKED` and a lease, so no two relays hand out the same one at once.
 * Events of one aggregate reach each subscriber in the order they were published.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Relay');
  private readonly observer: SeamObserver;
  /** Observer routes of local deliveries, per subscriber and event. */
  private readonly routes = new Map<string, ObservedRoute>();
  private readonly loops = new Map<string, Loop>();
  private readonly listeners: Client[] = [];
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    private readonly databases: DatabaseRegistry,
    private readonly dispatcher: EventDispatcher,
    private readonly remote: RemoteModules,
    private readonly registry: MessageRegistry,
    private readonly topology: Topology,
    @Inject(RELAY_SETTINGS) private readonly settings: RelaySettings,
    @Inject(SEAM_TIMEOUT) private readonly timeoutMs: number,
    @Optional() observer?: SeamObserver,
    @Optional() private readonly lifecycle?: Lifecycle,
  ) {
    this.observer = observer ?? SeamObserver.standalone();
    this.leaseMs = leaseFor(settings, timeoutMs);
  }

  /** How long a claim holds (see `leaseFor`). */
  private readonly leaseMs: number;

  /** Whether the relay takes work: from when the process is ready (the host's `startApp`) until it shuts down. */
  get started(): boolean {
    return this.running && !this.stopping;
  }

  private running = false;

  onApplicationBootstrap(): void {
    for (const database of this.databases.all()) this.loops.set(database.module, { database, running: undefined, again: false });
    // Deliveries start once the process is ready (its listeners up, readiness 200), not while
    // it is still starting; without the host's Lifecycle (a relay used on its own), at once.
    if (!this.lifecycle) return void this.start();
    this.lifecycle.whenReady(() => void this.start());
    // An app that never says it is ready (started without `startApp`) would deliver nothing, silently.
    const reminder = setTimeout(() => {
      if (!this.running && !this.stopping) this.logger.warn('events are not delivered yet: the process is not ready (start it with startApp, or call Lifecycle.markReady() once it serves)');
    }, 30_000);
    reminder.unref();
    this.timers.push(reminder);
  }

  private async start(): Promise<void> {
    if (this.stopping || this.running) return;
    this.running = true;
    const byUrl = new Map<string, string[]>();
    for (const database of this.databases.all()) byUrl.set(database.url, [...(byUrl.get(database.url) ?? []), database.module]);
    for (const [url, modules] of byUrl) await this.listen(url, modules);
    if (this.stopping) return;
    this.timers.push(setInterval(() => this.wakeAll(), this.settings.pollMs));
    this.timers.push(setInterval(() => void this.cleanUp(), Math.min(60_000, this.settings.retentionMs)));
    this.wakeAll();
  }

  /** Stops before the module pools close (they close in `onApplicationShutdown`). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.all(this.listeners.map((client) => client.end().catch(() => undefined)));
    await Promise.all([...this.loops.values()].map((loop) => loop.running));
  }

  /** Runs a round for `module` now (or right after the one under way). */
  wake(module: string): void {
    const loop = this.loops.get(module);
    if (!loop || !this.running || this.stopping || this.lifecycle?.shuttingDown) return;
    if (loop.running) {
      loop.again = true;
      loop.wakeUp?.();
      return;
    }
    loop.running = this.drain(loop).finally(() => {
      loop.running = undefined;
    });
  }

  private wakeAll(): void {
    for (const module of this.loops.keys()) this.wake(module);
  }

  /**
   * Rounds until nothing is left: claim, deliver, mark done. Claims run one at a time; a round
   * claimed while the previous one is still being delivered is delivered beside it (two at
   * most), so under a steady stream new events need not wait for the slowest delivery of the
   * round before them. Order holds: a claim skips the events of an aggregate with an earlier
   * one still pending, and those of a round under delivery are still pending.
   */
  private async drain(loop: Loop): Promise<void> {
    const delivering = new Set<Promise<void>>();
    try {
      while (!this.stopping) {
        loop.again = false;
        let claimed: Claimed[];
        // Taken before the claim: its lease ends no earlier than this plus leaseMs.
        const claimedAt = Date.now();
        try {
          claimed = await this.claim(loop.database);
        } catch (error) {
          if (!this.stopping) this.logger.warn(`claiming ${loop.database.module}'s outbox failed: ${(error as Error).message}`);
          return;
        }
        if (claimed.length > 0) {
          const round: Promise<void> = this.deliverAll(loop.database, claimed, claimedAt + this.leaseMs).finally(() => delivering.delete(round));
          delivering.add(round);
          if (delivering.size >= ROUNDS_IN_FLIGHT) await Promise.race(delivering);
        } else if (delivering.size > 0) {
          // Nothing claimable now: wait for a commit (or the poll), or for a round to finish
          // (which may free later events of its aggregates).
          if (!loop.again) await Promise.race([...delivering, new Promise<void>((resolve) => (loop.wakeUp = resolve))]);
          loop.wakeUp = undefined;
        } else if (!loop.again) {
          return; // drained (a commit from now on wakes a new drain)
        }
      }
    } finally {
      await Promise.all(delivering);
    }
  }

  /**
   * Claims due deliveries whose earlier events (same subscriber, same aggregate) are all
   * done, so per-aggregate order holds even with several relays and retries. A parked earlier
   * event holds the later ones back until it is resubmitted: they stay pending behind it.
   */
  private async claim(database: ModuleDatabase): Promise<Claimed[]> {
    const s = `"${database.module}"`;
    const result: unknown = await database.dataSource.query(
      `WITH due AS (
         SELECT d.id FROM ${s}.seams_deliveries d
          WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
            AND (d.lease_until IS NULL OR d.lease_until < now())
            AND NOT EXISTS (SELECT 1 FROM ${s}.seams_deliveries e
                             WHERE e.status = 'PENDING' AND e.subscriber = d.subscriber
                               AND e.aggregate_id = d.aggregate_id AND e.position < d.position)
            AND NOT EXISTS (SELECT 1 FROM ${s}.seams_deliveries p
                             WHERE p.status = 'PARKED' AND p.subscriber = d.subscriber
                               AND p.aggregate_id = d.aggregate_id AND p.position < d.position)
          ORDER BY d.position
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED)
       UPDATE ${s}.seams_deliveries d
          SET lease_until = now() + make_interval(secs => $2::double precision / 1000), attempts = d.attempts + 1
         FROM due, ${s}.seams_outbox o
        WHERE d.id = due.id AND o.id = d.event_id
       RETURNING d.id, d.event_id, d.subscriber, d.attempts, d.failures, o.name, o.payload, o.correlation_id, o.causation_id, o.traceparent, o.tracestate`,
      [this.settings.batch, this.leaseMs],
    );
    return returnedRows<Claimed>(result);
  }

  /**
   * Delivers a round's claims, `concurrency` units at a time, each marked done as soon as it
   * succeeded. A unit is one delivery to a remote module, or a batch of up to BATCH_SIZE
   * deliveries to one local module, handled in one transaction of that module (one commit
   * instead of one per event); a batch that fails is retried one delivery at a time.
   *
   * The round is bounded by its claim's lease (`leaseEnd`): a delivery starts only while the
   * longest delivery (its deadline, then a ping of its subscriber) still ends within the lease,
   * so no other relay can claim it while it runs; those that cannot start in time are given
   * back, unclaimed, for the next round.
   */
  private async deliverAll(database: ModuleDatabase, claimed: Claimed[], leaseEnd: number): Promise<void> {
    const units: Claimed[][] = [];
    const batches = new Map<string, Claimed[]>();
    for (const row of claimed) {
      if (!this.topology.isLocal(row.subscriber)) {
        units.push([row]);
        continue;
      }
      let batch = batches.get(row.subscriber);
      if (!batch || batch.length >= BATCH_SIZE) {
        batch = [];
        batches.set(row.subscriber, batch);
        units.push(batch);
      }
      batch.push(row);
    }
    let next = 0;
    const budget = deliveryBudgetMs(this.timeoutMs);
    const inTime = () => !this.stopping && Date.now() + budget <= leaseEnd;
    const notStarted: Claimed[] = [];
    const worker = async () => {
      while (next < units.length) {
        const unit = units[next++];
        if (!inTime()) {
          notStarted.push(...unit);
          continue;
        }
        if (unit.length > 1 && (await this.deliverBatch(database, unit))) {
          await this.markDone(database, unit);
          continue;
        }
        const done: Claimed[] = [];
        for (const row of unit) {
          if (!inTime()) notStarted.push(row);
          else if (await this.deliver(database, row)) done.push(row);
        }
        await this.markDone(database, done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.concurrency, units.length) }, worker));
    if (notStarted.length > 0) await this.giveBack(database, notStarted);
  }

  /** Marks deliveries done. A crash before this update only means a redelivery, which the subscriber's inbox absorbs. */
  private async markDone(database: ModuleDatabase, rows: readonly Claimed[]): Promise<void> {
    if (rows.length === 0) return;
    await database.dataSource
      .query(
        `UPDATE "${database.module}".seams_deliveries
            SET status = 'DELIVERED', delivered_at = now(), lease_until = NULL, last_error = NULL
          WHERE id = ANY($1::uuid[])`,
        [rows.map((row) => row.id)],
      )
      .catch((error: Error) => this.logger.warn(`marking deliveries done failed (they will be redelivered): ${error.message}`));
  }

  /** Claims not delivered in time for their lease, given back as they were (their attempt not counted). */
  private async giveBack(database: ModuleDatabase, rows: readonly Claimed[]): Promise<void> {
    await database.dataSource
      .query(
        `UPDATE "${database.module}".seams_deliveries SET lease_until = NULL, attempts = GREATEST(attempts - 1, 0)
          WHERE id = ANY($1::uuid[]) AND status = 'PENDING'`,
        [rows.map((row) => row.id)],
      )
      .catch((error: Error) => this.logger.warn(`giving back claims failed (they come free when their lease ends): ${error.message}`));
  }

  /** Hands several events to one local module in one transaction; false (nothing kept) if any fails. */
  private async deliverBatch(database: ModuleDatabase, rows: Claimed[]): Promise<boolean> {
    const subscriber = this.databases.all().find((d) => d.module === rows[0].subscriber);
    if (!subscriber) return false;
    try {
      const inbox = rows.flatMap((row) =>
        this.dispatcher.handlersOf(row.subscriber, row.name).map((handler) => ({ eventId: row.event_id, handler })),
      );
      const handled: Claimed[] = [];
      // One deadline for the batch (it is one transaction), checked before its commit.
      const deadline = Date.now() + this.timeoutMs;
      await RequestContexts.run({ ...(RequestContexts.current() ?? { correlationId: 'batch' }), deadline }, () =>
        subscriber.batch(inbox, async () => {
          for (const row of rows) if (((await this.handOver(row)) as Dispatched | undefined)?.handled) handled.push(row);
        }),
      );
      // Counted once the batch has committed: a batch that rolls back is handed over again.
      for (const row of handled) this.dispatcher.countHandled(row.subscriber, row.name);
      return true;
    } catch {
      return false; // each is tried again on its own, which records its own error
    }
  }

  /**
   * Runs the subscriber of `row` (in process) or sends it to the subscriber's module (over the
   * seam), in a span that continues the trace of the work that published the event (every
   * attempt, including one after a parked delivery is resubmitted, is a span of that trace).
   */
  private handOver(row: Claimed): Promise<unknown> {
    const type = this.registry.find(row.name);
    if (!type) throw new Error(`no module's contract has an event named ${row.name}`);
    const local = this.topology.isLocal(row.subscriber);
    const context = {
      ...RequestContexts.current(),
      correlationId: row.correlation_id ?? row.event_id,
      causationId: row.causation_id ?? undefined,
      messageId: row.event_id,
      // A local subscriber has the deadline a remote one gets in its envelope: its work is
      // rolled back past it, and the delivery fails with seam.timeout, on both paths alike.
      ...(local && { deadline: RequestContexts.current()?.deadline ?? Date.now() + this.timeoutMs }),
      // Events are delivered by the deployment itself, not on behalf of whoever caused them.
      identity: undefined,
      principal: { kind: 'service' as const, service: 'relay' },
    };
    const attributes = { 'seams.module': row.subscriber, 'seams.message': row.name, 'seams.event_id': row.event_id, 'seams.delivery.attempt': row.attempts };
    return RequestContexts.run(context, () =>
      inDeliverySpan(row.name, attributes, row, () => {
        if (local) {
          const event = Object.assign(Object.create(type.prototype as object) as object, row.payload) as IntegrationEvent;
          return this.observer.observe(this.routeOf(row), () =>
            withDeadline(this.dispatcher.dispatchTo(row.subscriber, row.name, event, row.event_id), context.deadline!, `${row.name} to ${row.subscriber}`),
          );
        }
        return this.remote.request(row.subscriber, envelopeOf('event', row.name, row.payload, this.timeoutMs, row.event_id));
      }),
    );
  }

  private routeOf(row: Claimed): ObservedRoute {
    const key = `${row.subscriber} ${row.name}`;
    let route = this.routes.get(key);
    if (!route) {
      route = this.observer.route(row.subscriber, row.name, 'event', 'local', 'send');
      this.routes.set(key, route);
    }
    return route;
  }

  /** Hands one event to one subscribing module; true when it acknowledged. */
  private async deliver(database: ModuleDatabase, row: Claimed): Promise<boolean> {
    const s = `"${database.module}"`;
    try {
      await this.handOver(row);
      return true;
    } catch (error) {
      const reason = String((error as Error)?.message ?? error).slice(0, 2000);
      // A subscriber that could not be reached (its host down, its breaker open) has not failed
      // the event: it waits, with backoff, however long the outage lasts. Only a subscriber
      // that was reached and kept failing gets its delivery parked: its failures are counted
      // apart from the attempts, so the attempts made during an outage do not park the
      // delivery at the first failure once the subscriber is back.
      const unreachable = await this.unreachable(row.subscriber, error);
      const failures = row.failures + (unreachable ? 0 : 1);
      const park = failures >= this.settings.maxAttempts;
      await database.dataSource
        .query(
          `UPDATE ${s}.seams_deliveries
              SET status = $2, lease_until = NULL, last_error = $3, failures = $5,
                  next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
            WHERE id = $1`,
          [row.id, park ? 'PARKED' : 'PENDING', reason, park ? 0 : backoff(this.settings, row.attempts), failures],
        )
        .catch((updateError: Error) => this.logger.warn(`recording a failed delivery failed: ${updateError.message}`));
      const what = `${row.name} ${row.event_id} to ${row.subscriber} (attempt ${row.attempts})`;
      if (park) this.logger.error(`${what} failed and is parked: ${reason}`);
      else this.logger.warn(`${what} failed, will retry: ${reason}`);
      return false;
    }
  }

  /**
   * Whether a failed delivery to `subscriber` failed because the subscriber could not be reached:
   * `seam.unavailable` (refused, its breaker open, its broker connection lost), or a timeout of
   * a module elsewhere whose host does not answer the seam's ping either. Through a broker, a
   * host that is down does not refuse: the message waits in its queue and the call times out,
   * which alone cannot tell a host that is down from a subscriber that is too slow.
   */
  private async unreachable(subscriber: string, error: unknown): Promise<boolean> {
    const code = (error as { code?: unknown })?.code;
    if (code === 'seam.unavailable') return true;
    if (code !== 'seam.timeout' || this.topology.isLocal(subscriber) || this.stopping) return false;
    return this.remote.probe(subscriber, this.timeoutMs).then(
      () => false,
      () => true,
    );
  }

  /**
   * Keeps a LISTEN connection to the database at `url` for as long as the relay runs: when it
   * is lost or cannot be made, it is tried again, backing off from 250 ms to 10 s, one timer at
   * a time, and the relay polls meanwhile. One warning per outage, one line when it is back.
   */
  private async listen(url: string, modules: string[], failures = 0): Promise<void> {
    if (this.stopping) return;
    const client = new Client({ connectionString: url, application_name: 'seams:relay' });
    let lost = false;
    const retry = (error: Error) => {
      if (lost || this.stopping) return;
      lost = true;
      const index = this.listeners.indexOf(client);
      if (index >= 0) this.listeners.splice(index, 1);
      void client.end().catch(() => undefined);
      if (failures === 0) this.logger.warn(`outbox listener for ${modules.join(', ')} lost (${error.message}); polling every ${this.settings.pollMs} ms until it is back`);
      const wait = Math.min(LISTEN_RETRY_MS * 2 ** failures, LISTEN_MAX_RETRY_MS);
      const timer = setTimeout(() => {
        this.timers.splice(this.timers.indexOf(timer), 1);
        void this.listen(url, modules, failures + 1);
      }, wait);
      this.timers.push(timer);
    };
    client.on('notification', (message) => message.payload && this.wake(message.payload));
    client.on('error', retry);
    client.on('end', () => retry(new Error('the connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      retry(error as Error);
      return;
    }
    if (this.stopping) return void client.end().catch(() => undefined);
    this.listeners.push(client);
    const wasLost = failures > 0;
    failures = 0; // a later loss is a new outage
    if (wasLost) {
      this.logger.log(`outbox listener for ${modules.join(', ')} is back`);
      // Commits made while it was away notified nobody.
      for (const module of modules) this.wake(module);
    }
  }

  /** Deletes delivered events, inbox records and ended replays past the retention (the outbox keeps the rest: the history a replay reads). */
  private async cleanUp(): Promise<void> {
    for (const { database } of this.loops.values()) {
      const s = `"${database.module}"`;
      const age = [this.settings.retentionMs];
      const older = `now() - make_interval(secs => $1::double precision / 1000)`;
      try {
        await database.dataSource.query(`DELETE FROM ${s}.seams_deliveries WHERE status = 'DELIVERED' AND delivered_at < ${older}`, age);
        await database.dataSource.query(
          `DELETE FROM ${s}.seams_outbox o WHERE o.created_at < ${older}
             AND NOT EXISTS (SELECT 1 FROM ${s}.seams_deliveries d WHERE d.event_id = o.id)`,
          age,
        );
        await database.dataSource.query(`DELETE FROM ${s}.seams_inbox WHERE handled_at < ${older}`, age);
        // A replay's record goes with its deliveries: once none is left to make and it is past the retention.
        await database.dataSource.query(
          `DELETE FROM ${s}.seams_replays r WHERE r.created_at < ${older}
             AND NOT EXISTS (SELECT 1 FROM ${s}.seams_deliveries d WHERE d.replay_id = r.id AND d.status <> 'DELIVERED')`,
          age,
        );
      } catch (error) {
        if (!this.stopping) this.logger.warn(`cleaning ${database.module}'s outbox failed: ${(error as Error).message}`);
      }
    }
  }
}

const LISTEN_RETRY_MS = 250;
const LISTEN_MAX_RETRY_MS = 10_000;

/** `work`, or seam.timeout once `deadline` passes (the work's own commit is refused past it, see ModuleDatabase). */
function withDeadline<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new SeamTimeoutError(what)), Math.max(0, deadline - Date.now()));
    work.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error as Error)),
    );
  });
}

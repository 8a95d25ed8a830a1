import { isIP } from 'node:net';
import { Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';

/** The addresses a host name stands for (IPv4 first: when a name has any, only those). */
export type Resolve = (host: string) => Promise<string[]>;

/** How a module's replicas are found and used. */
export interface ReplicaOptions {
  /** How often a host name in an address is resolved again (ms): replicas come and go. */
  readonly resolveMs: number;
  /** How long one connection serves calls before a fresh one replaces it (ms; 0: for ever). */
  readonly maxConnectionAgeMs: number;
  /** The first wait before a replica that failed is asked again (ms); it doubles up to 10 s. */
  readonly retryMs: number;
  readonly resolve: Resolve;
}

/** One connection to one replica: a client of the transport, with the calls it carries. */
export interface Connection {
  readonly client: ClientProxy;
  readonly opened: number;
  /** Calls sent on it and not yet answered. */
  inFlight: number;
  /** Answers that came back on it (counters: no clock on the hot path). */
  heard: number;
  /** Replaced by a fresh one: closed once its calls are done. */
  retired: boolean;
}

/** One address a module is served at. */
export interface Replica {
  /** `host:port` as callers and logs see it. */
  readonly address: string;
  connection: Connection;
  up: boolean;
  /** Failures in a row while down (the wait before the next ping doubles with each). */
  failures: number;
}

/** What the replica set needs of the seam: a client for an address, and a ping through one. */
export interface ReplicaWire {
  connect(host: string, port: number, servername: string | undefined): ClientProxy;
  ping(connection: Connection): Promise<void>;
  /** A connection was opened (first, replacing a failed one, or renewing an old one). */
  opened?(address: string): void;
}

interface Seed {
  readonly host: string;
  readonly port: number;
  /** A host name (re-resolved) rather than an IP address. */
  readonly named: boolean;
}

const MAX_RETRY_MS = 10_000;

/**
 * The replicas of one remote module, one connection per address: calls are spread over the
 * replicas that answer (the one with fewest calls in flight, ties taken in turn), a replica
 * whose connection fails is left out and pinged until it answers again, host names are
 * resolved again every `resolveMs` (a headless Service's pods), and a connection older than
 * `maxConnectionAgeMs` is replaced once its calls are done. The transport is the wire's
 * business (`ReplicaWire`): a new transport plugs in below, unchanged above.
 */
export class ReplicaSet {
  private replicas: Replica[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly seeds: Seed[];
  private readonly logger = new Logger('Seam');
  private resolving: Promise<void> | undefined;

  constructor(
    readonly module: string,
    urls: readonly string[],
    private readonly wire: ReplicaWire,
    private readonly options: ReplicaOptions,
  ) {
    this.seeds = urls.map((url) => {
      const parsed = new URL(url);
      const host = parsed.hostname.replace(/^\[|\]$/g, '');
      return { host, port: Number(parsed.port), named: isIP(host) === 0 };
    });
    this.apply(this.seeds.filter((seed) => !seed.named).map((seed) => ({ ip: seed.host, port: seed.port, servername: undefined })));
    if (this.seeds.some((seed) => seed.named)) void this.refresh();
    if (this.seeds.some((seed) => seed.named) || options.maxConnectionAgeMs > 0) {
      this.timer = setInterval(() => void this.refresh(), Math.max(1, options.resolveMs));
      this.timer.unref();
    }
  }

  /** Resolves the host names now (the first time before any call; then every `resolveMs`). */
  refresh(): Promise<void> {
    this.resolving ??= this.resolveAll().finally(() => (this.resolving = undefined));
    return this.resolving;
  }

  /** Whether host names still await their first resolution. */
  get pending(): boolean {
    return this.seeds.some((seed) => seed.named) && this.replicas.length === 0;
  }

  /** The replica the next call goes to: of those that answer, the one with fewest calls in flight, ties in turn. */
  pick(): Replica | undefined {
    const replicas = this.replicas;
    const count = replicas.length;
    if (count === 1) return replicas[0].up ? replicas[0] : undefined;
    let best: Replica | undefined;
    const start = this.next++ % Math.max(count, 1);
    for (let i = 0; i < count; i++) {
      const replica = replicas[(start + i) % count];
      if (replica.up && (best === undefined || replica.connection.inFlight < best.connection.inFlight)) best = replica;
    }
    return best;
  }

  /** Every replica, up or down (for health and metrics). */
  get all(): readonly Replica[] {
    return this.replicas;
  }

  /** A call through `connection` is about to go out. */
  sent(connection: Connection): void {
    connection.inFlight++;
  }

  /** A call through `connection` is done; a retired connection is closed after its last call. */
  done(connection: Connection): void {
    connection.inFlight--;
    if (connection.retired && connection.inFlight === 0) this.close(connection);
  }

  /**
   * The connection of `replica` failed (refused, reset; or `silent`: nothing came back on it
   * past a deadline): the replica is left out and pinged, on a fresh connection, until it
   * answers again. A module at one IP address has nowhere else to go: its circuit breaker
   * judges it, and only a silent connection is replaced (a flow dropped on the way, a NAT's
   * state lost, would otherwise swallow every later call).
   */
  failed(replica: Replica, connection: Connection, reason: string, silent: boolean): void {
    if (replica.connection !== connection) return; // already replaced
    if (this.seeds.length === 1 && !this.seeds[0].named) {
      if (silent) this.replace(replica, true);
      return;
    }
    this.replace(replica, true);
    if (!replica.up) return;
    replica.up = false;
    replica.failures = 0;
    this.logger.warn(`${this.module} replica ${replica.address} left out: ${reason}; pinged until it answers`);
    this.schedulePing(replica);
  }

  close(): void;
  close(connection: Connection): void;
  close(connection?: Connection): void {
    if (connection) {
      void Promise.resolve(connection.client.close()).catch(() => undefined);
      return;
    }
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const replica of this.replicas) this.close(replica.connection);
    this.replicas = [];
  }

  private schedulePing(replica: Replica): void {
    const wait = Math.min(this.options.retryMs * 2 ** Math.min(replica.failures, 10), MAX_RETRY_MS);
    const timer = setTimeout(() => {
      if (this.closed || !this.replicas.includes(replica)) return;
      this.wire.ping(replica.connection).then(
        () => {
          if (this.closed || replica.up) return;
          replica.up = true;
          this.logger.log(`${this.module} replica ${replica.address} answers again: taken back`);
        },
        () => {
          replica.failures++;
          this.replace(replica, true);
          this.schedulePing(replica);
        },
      );
    }, wait);
    timer.unref();
  }

  /**
   * A fresh connection for `replica`. The old one is closed at once when it `failed` (calls
   * still waiting on it fail now as unreachable, not at their deadlines), or once its calls
   * are done when it is only old.
   */
  private replace(replica: Replica, failed: boolean): void {
    const old = replica.connection;
    replica.connection = this.open(replica.address);
    old.retired = true;
    if (failed || old.inFlight === 0) this.close(old);
  }

  private open(address: string): Connection {
    const { host, port, servername } = this.parts.get(address)!;
    this.wire.opened?.(address);
    return { client: this.wire.connect(host, port, servername), opened: Date.now(), inFlight: 0, heard: 0, retired: false };
  }

  private readonly parts = new Map<string, { host: string; port: number; servername: string | undefined }>();

  /** Makes the replica list `targets`: new addresses join (up), gone ones leave once their calls are done. */
  private apply(targets: readonly { ip: string; port: number; servername: string | undefined }[]): void {
    const wanted = new Map(targets.map((t) => [`${isIP(t.ip) === 6 ? `[${t.ip}]` : t.ip}:${t.port}`, t]));
    const kept = this.replicas.filter((replica) => wanted.has(replica.address));
    for (const replica of this.replicas) {
      if (wanted.has(replica.address)) continue;
      replica.connection.retired = true;
      if (replica.connection.inFlight === 0) this.close(replica.connection);
    }
    for (const [address, target] of wanted) {
      if (kept.some((replica) => replica.address === address)) continue;
      this.parts.set(address, { host: target.ip, port: target.port, servername: target.servername });
      kept.push({ address, connection: this.open(address), up: true, failures: 0 });
    }
    this.replicas = kept;
  }

  private async resolveAll(): Promise<void> {
    if (this.closed) return;
    const targets: { ip: string; port: number; servername: string | undefined }[] = [];
    let failedName: string | undefined;
    for (const seed of this.seeds) {
      if (!seed.named) {
        targets.push({ ip: seed.host, port: seed.port, servername: undefined });
        continue;
      }
      try {
        for (const ip of await this.options.resolve(seed.host)) targets.push({ ip, port: seed.port, servername: seed.host });
      } catch (error) {
        failedName = `${seed.host}: ${(error as Error).message}`;
      }
    }
    if (this.closed) return;
    // A name that does not resolve right now keeps the replicas it had (a DNS hiccup is not an outage).
    if (failedName !== undefined) {
      this.logger.warn(`cannot resolve ${failedName}; ${this.module} keeps its ${this.replicas.length} known replicas`);
      if (targets.length === 0) return;
    }
    this.apply(targets);
    this.renewOld();
  }

  /** Connections older than the maximum age are replaced, so a balancer or a new replica behind one address gets its share. */
  private renewOld(): void {
    const maxAge = this.options.maxConnectionAgeMs;
    if (maxAge <= 0) return;
    const now = Date.now();
    for (const replica of this.replicas) {
      if (replica.up && now - replica.connection.opened >= maxAge) this.replace(replica, false);
    }
  }
}

/**
 * A broker module's one connection (NATS, RabbitMQ): the broker spreads the calls over the
 * module's replicas (a queue group, competing consumers), so the seam keeps one client.
 */
export class BrokerConnection {
  readonly all: readonly Replica[];
  readonly pending = false;

  constructor(address: string, client: ClientProxy) {
    this.all = [{ address, connection: { client, opened: Date.now(), inFlight: 0, heard: 0, retired: false }, up: true, failures: 0 }];
  }

  pick(): Replica {
    return this.all[0];
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  sent(connection: Connection): void {
    connection.inFlight++;
  }

  done(connection: Connection): void {
    connection.inFlight--;
  }

  failed(): void {
    // The broker client reconnects by itself; calls under way were failed by `lost`.
  }

  close(): void {
    void Promise.resolve(this.all[0].connection.client.close()).catch(() => undefined);
  }
}

/** What the seam's client side uses of a module's replicas: a `ReplicaSet` (TCP) or a `BrokerConnection`. */
export type Replicas = Pick<ReplicaSet, 'all' | 'pending' | 'pick' | 'refresh' | 'sent' | 'done' | 'failed'> & { close(): void };

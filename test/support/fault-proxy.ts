import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback that a test puts between two processes (a caller and a module host,
 * or an app and its broker) and then breaks on purpose:
 *
 *   pass()        bytes flow both ways (the start)
 *   blackhole()   connections stay open and new ones are accepted, but every byte is dropped
 *   stall()       the connections open now drop every byte from here on, with no RST and no FIN
 *                 (a flow a firewall or NAT forgot); new connections pass
 *   delay(ms)     each chunk is held `ms` before it is passed on (order kept)
 *   cut()         every connection is reset (RST), and new ones are reset as soon as accepted
 *   resetMidFrame({ direction, afterBytes })   once: the next chunk going `direction` is
 *                 passed up to `afterBytes` bytes, then that connection is reset both ways
 *   stallAfter({ direction, matching })   once: the next chunk going `direction` that matches
 *                 is passed whole, then that connection is stalled (as by `stall`)
 *
 * Every change is visible to the test (`stats`, and the promise `resetMidFrame` returns), so
 * tests wait for what the proxy did, not for a clock.
 */
export type Direction = 'up' | 'down';

type Mode = { kind: 'pass' } | { kind: 'blackhole' } | { kind: 'delay'; ms: number } | { kind: 'cut' };

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  /** When the last chunk of each direction was (or will be) passed on, for delay's ordering. */
  readonly due: Record<Direction, number>;
  /** Dropping every byte for good (see `stall`). */
  stalled: boolean;
}

type Trap =
  | { readonly kind: 'reset'; readonly direction: Direction; readonly afterBytes: number; readonly fired: (bytes: number) => void }
  | { readonly kind: 'stall'; readonly direction: Direction; readonly matching: RegExp; readonly fired: (bytes: number) => void };

export interface FaultProxyStats {
  /** Connections accepted so far. */
  accepted: number;
  /** Connections reset by the proxy (cut, or a trap). */
  resets: number;
  /** Bytes passed on, per direction (up: caller to target). */
  passed: Record<Direction, number>;
  /** Bytes dropped by the blackhole, per direction. */
  dropped: Record<Direction, number>;
}

export interface FaultProxy {
  readonly port: number;
  /** `tcp://127.0.0.1:<port>` and the like: the address callers use instead of the target's. */
  url(scheme: string, auth?: string): string;
  readonly stats: FaultProxyStats;
  /** Connections open right now. */
  readonly open: number;
  pass(): void;
  blackhole(): void;
  stall(): void;
  delay(ms: number): void;
  cut(): void;
  /** Arms a one-shot reset in the middle of the next chunk going `direction`; resolves with the bytes it let through. */
  resetMidFrame(options: { direction: Direction; afterBytes: number }): Promise<number>;
  /** Arms a one-shot stall: the next chunk going `direction` that matches (read as latin1) is passed whole, then its connection is stalled. */
  stallAfter(options: { direction: Direction; matching: RegExp }): Promise<number>;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port to `target()` (read per connection, so it may be set after the proxy starts). */
export async function startFaultProxy(target: () => number | undefined): Promise<FaultProxy> {
  let mode: Mode = { kind: 'pass' };
  const traps: Trap[] = [];
  const pairs = new Set<Pair>();
  const stats: FaultProxyStats = { accepted: 0, resets: 0, passed: { up: 0, down: 0 }, dropped: { up: 0, down: 0 } };

  const reset = (pair: Pair) => {
    if (!pairs.delete(pair)) return;
    stats.resets++;
    for (const socket of [pair.client, pair.upstream]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
  };

  const forward = (pair: Pair, direction: Direction, chunk: Buffer) => {
    const to = direction === 'up' ? pair.upstream : pair.client;
    const trapIndex = traps.findIndex((trap) => trap.direction === direction && (trap.kind === 'reset' || trap.matching.test(chunk.toString('latin1'))));
    const trap = trapIndex >= 0 && !pair.stalled ? traps.splice(trapIndex, 1)[0] : undefined;
    if (trap?.kind === 'stall') {
      // The matching chunk goes through whole; from then on the connection is stalled.
      stats.passed[direction] += chunk.length;
      to.write(chunk, () => trap.fired(chunk.length));
      pair.stalled = true;
      return;
    }
    if (trap?.kind === 'reset') {
      const part = chunk.subarray(0, Math.min(trap.afterBytes, chunk.length));
      stats.passed[direction] += part.length;
      // The part is written, then the reset follows once it has left this process.
      to.write(part, () => {
        reset(pair);
        trap.fired(part.length);
      });
      return;
    }
    if (pair.stalled) {
      stats.dropped[direction] += chunk.length;
      return;
    }
    switch (mode.kind) {
      case 'blackhole':
        stats.dropped[direction] += chunk.length;
        return;
      case 'cut':
        reset(pair);
        return;
      case 'delay': {
        const at = Math.max(Date.now() + mode.ms, pair.due[direction]);
        pair.due[direction] = at;
        setTimeout(() => {
          if (!pairs.has(pair) || to.destroyed) return;
          stats.passed[direction] += chunk.length;
          to.write(chunk);
        }, at - Date.now());
        return;
      }
      case 'pass':
        stats.passed[direction] += chunk.length;
        to.write(chunk);
    }
  };

  const server: Server = createServer((client) => {
    stats.accepted++;
    const port = target();
    if (mode.kind === 'cut' || port === undefined) {
      stats.resets++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port });
    const pair: Pair = { client, upstream, due: { up: 0, down: 0 }, stalled: false };
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => forward(pair, 'up', chunk));
    upstream.on('data', (chunk: Buffer) => forward(pair, 'down', chunk));
    // Either side closing or failing ends the pair the same way a real link would.
    const end = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url: (scheme, auth) => `${scheme}://${auth ? `${auth}@` : ''}127.0.0.1:${port}`,
    stats,
    get open() {
      return pairs.size;
    },
    pass: () => (mode = { kind: 'pass' }),
    blackhole: () => (mode = { kind: 'blackhole' }),
    stall() {
      for (const pair of pairs) pair.stalled = true;
    },
    delay: (ms) => (mode = { kind: 'delay', ms }),
    cut() {
      mode = { kind: 'cut' };
      for (const pair of [...pairs]) reset(pair);
    },
    resetMidFrame: ({ direction, afterBytes }) => new Promise((fired) => traps.push({ kind: 'reset', direction, afterBytes, fired })),
    stallAfter: ({ direction, matching }) => new Promise((fired) => traps.push({ kind: 'stall', direction, matching, fired })),
    async close() {
      for (const pair of [...pairs]) reset(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

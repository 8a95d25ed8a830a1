import { InvalidOptionError, wholeNumbers } from '../context';

/** How the outbox relay behaves (typed options: the host builds them from its settings). */
export interface RelaySettings {
  /** Polling fallback when no notification arrives (LISTEN/NOTIFY wakes it at once). */
  readonly pollMs: number;
  /** Deliveries claimed per round. */
  readonly batch: number;
  /** Deliveries under way at once per module. */
  readonly concurrency: number;
  /**
   * Failures of a subscriber that was reached before its delivery is parked (the `failures`
   * column; attempts made while it could not be reached do not count: an unreachable one is
   * waited for, however long).
   */
  readonly maxAttempts: number;
  /** First retry delay; doubled per attempt up to `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** How long a claimed delivery is reserved for one relay (a crashed relay's claims expire). */
  readonly leaseMs: number;
  /** Delivered events (and inbox records) older than this are deleted. */
  readonly retentionMs: number;
}

export const RELAY_SETTINGS = Symbol('RELAY_SETTINGS');

export const RELAY_DEFAULTS: RelaySettings = {
  pollMs: 1000,
  batch: 400,
  concurrency: 16,
  maxAttempts: 10,
  backoffMs: 200,
  maxBackoffMs: 30_000,
  leaseMs: 30_000,
  retentionMs: 7 * 24 * 3600 * 1000,
};

/** The relay's options over the defaults, each a positive whole number (refused in one line otherwise). */
export function relaySettings(options: Partial<RelaySettings> = {}): RelaySettings & { readonly leaseGiven: boolean } {
  return { ...wholeNumbers(RELAY_DEFAULTS, options, 1, (key) => `relay.${key}`), leaseGiven: options.leaseMs !== undefined };
}

/** Room left in a lease beyond the longest delivery (its deadline, then a ping of its subscriber). */
export const LEASE_MARGIN_MS = 500;

/** The longest one delivery may take: its deadline, then (a remote subscriber that timed out) a ping of the same length. */
export function deliveryBudgetMs(timeoutMs: number): number {
  return 2 * timeoutMs + LEASE_MARGIN_MS;
}

/**
 * A lease must outlast the longest delivery with room to spare: a delivery still running when
 * its claim's lease ends could be claimed and run again by another relay beside it, so a round
 * starts deliveries only while the longest one would still end within the lease; with a lease
 * of twice that, the first half of it is left to start them in. Refused in one line naming both.
 */
export function checkLease(settings: RelaySettings, timeoutMs: number, names = { lease: 'relay.leaseMs', timeout: 'the seam timeout' }): void {
  const least = 2 * deliveryBudgetMs(timeoutMs);
  if (settings.leaseMs < least) {
    throw new InvalidOptionError(
      `${names.lease} (${settings.leaseMs}) must be at least ${least} ms: twice the longest delivery, which may take ${names.timeout} (${timeoutMs} ms), ` +
        `then as long again to ping its subscriber, plus ${LEASE_MARGIN_MS} ms; a delivery must end within the lease of its claim`,
    );
  }
}

/**
 * The lease a relay uses: the one given (checked by `checkLease`), or else 30 s, or twice the
 * longest delivery when the seam's timeout asks for more (a long timeout needs no second setting).
 */
export function leaseFor(settings: RelaySettings & { readonly leaseGiven?: boolean }, timeoutMs: number): number {
  if (settings.leaseGiven === false) return Math.max(settings.leaseMs, 2 * deliveryBudgetMs(timeoutMs));
  checkLease(settings, timeoutMs);
  return settings.leaseMs;
}

/** Delay before attempt `attempts + 1`: exponential, capped, with jitter so retries spread out. */
export function backoff(settings: RelaySettings, attempts: number): number {
  const base = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

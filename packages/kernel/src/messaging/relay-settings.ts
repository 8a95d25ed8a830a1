import { wholeNumbers } from '../context';

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
export function relaySettings(options: Partial<RelaySettings> = {}): RelaySettings {
  return wholeNumbers(RELAY_DEFAULTS, options, 1, (key) => `relay.${key}`);
}

/** Delay before attempt `attempts + 1`: exponential, capped, with jitter so retries spread out. */
export function backoff(settings: RelaySettings, attempts: number): number {
  const base = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

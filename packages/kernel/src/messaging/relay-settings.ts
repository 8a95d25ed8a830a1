/** How the outbox relay behaves; every value has a `SEAMS_RELAY_*` / `SEAMS_OUTBOX_*` setting. */
export interface RelaySettings {
  /** Polling fallback when no notification arrives (LISTEN/NOTIFY wakes it at once). */
  readonly pollMs: number;
  /** Deliveries claimed per round. */
  readonly batch: number;
  /** Deliveries under way at once per module. */
  readonly concurrency: number;
  /** Attempts before a delivery is parked (only failures of a subscriber that was reached count; an unreachable one is waited for). */
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

const DEFAULTS: Record<keyof RelaySettings, [string, number]> = {
  pollMs: ['SEAMS_RELAY_POLL_MS', 1000],
  batch: ['SEAMS_RELAY_BATCH', 400],
  concurrency: ['SEAMS_RELAY_CONCURRENCY', 16],
  maxAttempts: ['SEAMS_RELAY_MAX_ATTEMPTS', 10],
  backoffMs: ['SEAMS_RELAY_BACKOFF_MS', 200],
  maxBackoffMs: ['SEAMS_RELAY_MAX_BACKOFF_MS', 30_000],
  leaseMs: ['SEAMS_RELAY_LEASE_MS', 30_000],
  retentionMs: ['SEAMS_OUTBOX_RETENTION_MS', 7 * 24 * 3600 * 1000],
};

export function relaySettingsFrom(env: NodeJS.ProcessEnv): RelaySettings {
  const entries = Object.entries(DEFAULTS).map(([key, [name, fallback]]) => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not "${raw}"`);
    return [key, value];
  });
  return Object.fromEntries(entries) as RelaySettings;
}

/** Delay before attempt `attempts + 1`: exponential, capped, with jitter so retries spread out. */
export function backoff(settings: RelaySettings, attempts: number): number {
  const base = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';

/** What `ThrottlerStorage.increment` answers (seconds, as Nest's in-memory storage does). */
interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * One hit, counted in Redis for every replica at once: the window starts with the first hit
 * (`PEXPIRE`), and a client over its limit is blocked for the block duration (the window's,
 * by default). One round trip, atomic (a script).
 */
const HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}
`;

/**
 * The HTTP rate limit's counters in Redis (`SEAMS_RATE_LIMIT_REDIS_URL`), so every replica of
 * a process draws on one quota per client: without it each replica counts on its own, and N
 * replicas let a client make N times `SEAMS_RATE_LIMIT`. If Redis cannot be reached the request
 * is let through (a limiter's outage must not take the API down) and a warning is logged, once
 * per outage.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly logger = new Logger('RateLimit');
  private failing = false;

  constructor(url: string, private readonly prefix: string) {
    // No reconnecting in the background (its timers outlive a shutdown): a request finds the
    // connection gone and opens it again.
    // (ioredis's own connect timeout is not cleared when a connection is refused; see `connect`.)
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 0, commandTimeout: 1000, disconnectTimeout: 100, retryStrategy: () => null });
    this.redis.on('error', () => undefined); // reported per request below
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const name = `${this.prefix}:${throttlerName}:${key}`;
    try {
      if (this.redis.status === 'wait' || this.redis.status === 'end') await this.connect();
      const [hits, ttlMs, blockedMs] = (await this.redis.eval(HIT, 2, name, `${name}:blocked`, ttl, limit, blockDuration || ttl)) as [number, number, number];
      if (this.failing) this.logger.log('Redis answers again: the rate limit is shared again');
      this.failing = false;
      return { totalHits: hits, timeToExpire: Math.ceil(Math.max(ttlMs, 0) / 1000), isBlocked: blockedMs > 0, timeToBlockExpire: Math.ceil(Math.max(blockedMs, 0) / 1000) };
    } catch (error) {
      if (!this.failing) this.logger.warn(`Redis for the rate limit cannot be reached (${(error as Error).message}): requests are let through until it answers`);
      this.failing = true;
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  /** Opens the connection, giving up after a second (a timer that does not keep the process alive). */
  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no connection within 1 s')), 1000);
      timer.unref();
      this.redis.connect().then(
        () => (clearTimeout(timer), resolve()),
        (error: unknown) => (clearTimeout(timer), reject(error as Error)),
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

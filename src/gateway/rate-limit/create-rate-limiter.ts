// Chooses the limiter: Redis when a URL is configured, so every gateway process shares the same
// buckets; otherwise buckets in this process, which is right for a single process only.
import { InProcessRateLimiter, type InProcessRateLimiterOptions } from './in-process-rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';

export interface CreateRateLimiterOptions extends Omit<RedisRateLimiterOptions, 'redisUrl' | 'clock'>, InProcessRateLimiterOptions {
  /** REDIS_URL; absent or empty means in-process buckets. */
  redisUrl?: string | undefined;
}

export function createRateLimiter(options: CreateRateLimiterOptions = {}): RateLimiter {
  const { redisUrl, now, keysMax, ...redisOptions } = options;
  if (redisUrl === undefined || redisUrl === '') return new InProcessRateLimiter({ now, keysMax });
  return new RedisRateLimiter({ ...redisOptions, redisUrl });
}

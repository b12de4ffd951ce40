// Per-key rate limits (requests and tokens per minute), in-process or shared through Redis.
// Everything the HTTP layer needs is exported here; see rate-limiter.ts for the contract.
export { createRateLimiter, type CreateRateLimiterOptions } from './create-rate-limiter.ts';
export { InProcessRateLimiter, IN_PROCESS_KEYS_MAX_DEFAULT, type InProcessRateLimiterOptions } from './in-process-rate-limiter.ts';
export { RedisRateLimiter, REDIS_KEY_PREFIX_DEFAULT, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';
export { RateLimitError, rateLimitError } from './rate-limit-error.ts';
export { formatResetDuration, rateLimitHeaders, retryAfterHeaders, retryAfterSeconds } from './rate-limit-headers.ts';
export {
  PER_MINUTE_LIMIT_MAX,
  type Admission, type AdmitInput, type DimensionState, type LimitState, type RateLimiter, type RateLimits,
  type Refusal, type RefusalReason,
} from './rate-limiter.ts';

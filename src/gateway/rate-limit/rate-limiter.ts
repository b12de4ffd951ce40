// The port every rate limiter implements: per API key, a requests-per-minute bucket and a
// tokens-per-minute bucket, checked and debited together. The in-process and Redis limiters
// behave identically (one shared test suite); only where the buckets live differs.

/** The largest per-minute limit accepted: keeps every bucket quantity an exact safe integer (see token-bucket.ts). */
export const PER_MINUTE_LIMIT_MAX = 1_000_000_000;

/**
 * A key's limits. `null`, `Infinity` and `0` all mean "unlimited" for that dimension. Zero is not
 * "refuse everything": a limit no request can ever meet would only produce errors forever, and
 * a key that must not be used is revoked instead (the key index refuses it before any limit).
 */
export interface RateLimits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface AdmitInput {
  keyId: string;
  limits: RateLimits;
  /** The token estimate debited now; refund the difference once the actual usage is known. */
  tokens: number;
  /**
   * The caller's clock. The in-process limiter defaults to its own clock; the Redis limiter uses
   * Redis TIME and refuses this unless it was built with `clock: 'caller'` (tests only).
   */
  nowMs?: number;
}

/** One dimension as the x-ratelimit-* headers report it; `null` when that dimension is unlimited or unknown. */
export interface DimensionState {
  limit: number;
  /** Whole units left in the bucket after this admission. */
  remaining: number;
  /** Time until the bucket is full again (OpenAI's "reset"). */
  resetMs: number;
}

export interface LimitState {
  requests: DimensionState | null;
  tokens: DimensionState | null;
}

/**
 * Why a request was refused. `too_large`: the token estimate exceeds the whole per-minute token
 * limit, so waiting would never help. `unavailable`: the shared store could not be reached and
 * the limiter fails closed (see redis-rate-limiter.ts).
 */
export type RefusalReason = 'requests' | 'tokens' | 'too_large' | 'unavailable';

export type Refusal =
  | { allowed: false; reason: 'requests' | 'tokens' | 'unavailable'; retryAfterMs: number; state: LimitState }
  | { allowed: false; reason: 'too_large'; retryAfterMs: null; state: LimitState };

export type Admission = { allowed: true; state: LimitState } | Refusal;

export interface RateLimiter {
  /** Debits one request and `tokens` tokens only if both buckets allow it; otherwise debits nothing. */
  admit(input: AdmitInput): Promise<Admission>;
  /** Gives back tokens debited at admission but not used, never filling past the limit. Best effort. */
  refund(keyId: string, limits: RateLimits, tokens: number, nowMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A limit as the buckets use it: a positive integer, or null for unlimited. */
export type EffectiveLimit = number | null;

/** Maps the accepted spellings of "unlimited" to null; crashes on a limit config validation should have refused. */
export function effectiveLimit(limit: number | null, name: string): EffectiveLimit {
  if (limit === null || limit === Number.POSITIVE_INFINITY || limit === 0) return null;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > PER_MINUTE_LIMIT_MAX) {
    throw new RangeError(`${name} must be null, 0, Infinity or an integer from 1 to ${PER_MINUTE_LIMIT_MAX}, got ${limit}`);
  }
  return limit;
}

export function effectiveLimits(limits: RateLimits): { requests: EffectiveLimit; tokens: EffectiveLimit } {
  return {
    requests: effectiveLimit(limits.requestsPerMinute, 'requestsPerMinute'),
    tokens: effectiveLimit(limits.tokensPerMinute, 'tokensPerMinute'),
  };
}

export function assertTokenCount(tokens: number): void {
  if (!Number.isSafeInteger(tokens) || tokens < 0) throw new RangeError(`tokens must be a non-negative integer, got ${tokens}`);
}

export const UNLIMITED_STATE: LimitState = Object.freeze({ requests: null, tokens: null });

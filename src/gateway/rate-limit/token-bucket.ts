// Pure token-bucket arithmetic shared by both limiters (the Redis Lua script mirrors it line for
// line). A bucket of L per minute holds at most L and refills continuously at L per 60 000 ms.
//
// Quantities are counted in units of 1/60 000 of a request or token, so a bucket of L per minute
// refills exactly L units per millisecond: every level, debit and refill is an integer and no
// rounding ever accumulates. With L <= PER_MINUTE_LIMIT_MAX (1e9) a full bucket is 6e13 units,
// far below 2^53, so JavaScript numbers and Lua's doubles both hold every value exactly.
import type { Admission, DimensionState, EffectiveLimit, LimitState } from './rate-limiter.ts';

export const MS_PER_MINUTE = 60_000;
/** Units per request or token: one minute's worth of milliseconds, so refill per ms equals the limit. */
export const UNITS_PER_ITEM = MS_PER_MINUTE;

export interface EffectiveLimits {
  requests: EffectiveLimit;
  tokens: EffectiveLimit;
}

/** Current bucket levels in units; null exactly where the limit is null (unlimited). */
export interface BucketLevels {
  requestsUnits: number | null;
  tokensUnits: number | null;
}

/** Levels as last written; a missing level means a full bucket (never used, or idle long enough to refill). */
export interface StoredLevels {
  requestsUnits?: number;
  tokensUnits?: number;
  updatedMs: number;
}

export type BucketDecision =
  | { outcome: 'admitted'; levels: BucketLevels }
  | { outcome: 'refused'; reason: 'requests' | 'tokens'; retryAfterMs: number }
  | { outcome: 'too_large' };

export const capacityUnits = (limit: number): number => limit * UNITS_PER_ITEM;

/** Refill time is clamped to a minute because any bucket is full after one; a clock that stepped back refills nothing. */
export function elapsedForRefill(updatedMs: number, nowMs: number): number {
  return Math.min(Math.max(nowMs - updatedMs, 0), MS_PER_MINUTE);
}

export function refilledUnits(storedUnits: number | undefined, limit: number, elapsedMs: number): number {
  const capacity = capacityUnits(limit);
  if (storedUnits === undefined) return capacity;
  return Math.min(storedUnits + limit * elapsedMs, capacity);
}

export function currentLevels(stored: StoredLevels | undefined, limits: EffectiveLimits, nowMs: number): BucketLevels {
  const elapsedMs = stored === undefined ? 0 : elapsedForRefill(stored.updatedMs, nowMs);
  return {
    requestsUnits: limits.requests === null ? null : refilledUnits(stored?.requestsUnits, limits.requests, elapsedMs),
    tokensUnits: limits.tokens === null ? null : refilledUnits(stored?.tokensUnits, limits.tokens, elapsedMs),
  };
}

/**
 * Milliseconds until the bucket holds `neededUnits`, or 0 if it already does. The quotient is at
 * most 60 000 and, when not whole, at least 1/limit away from an integer, so the floating-point
 * division cannot round across an integer and the ceiling is exact.
 */
export function waitMs(levelUnits: number, neededUnits: number, limit: number): number {
  const deficit = neededUnits - levelUnits;
  return deficit <= 0 ? 0 : Math.ceil(deficit / limit);
}

/**
 * Debits one request and `tokens` tokens only when both buckets hold enough. A refusal waits for
 * the slower bucket and is named after it (requests on a tie), so the retry finds both ready.
 */
export function decideAdmission(levels: BucketLevels, limits: EffectiveLimits, tokens: number): BucketDecision {
  if (limits.tokens !== null && tokens > limits.tokens) return { outcome: 'too_large' };
  const requestsWaitMs = limits.requests === null ? 0 : waitMs(levelOf(levels.requestsUnits), UNITS_PER_ITEM, limits.requests);
  const tokensWaitMs = limits.tokens === null ? 0 : waitMs(levelOf(levels.tokensUnits), tokens * UNITS_PER_ITEM, limits.tokens);
  if (requestsWaitMs > 0 || tokensWaitMs > 0) {
    return requestsWaitMs >= tokensWaitMs
      ? { outcome: 'refused', reason: 'requests', retryAfterMs: requestsWaitMs }
      : { outcome: 'refused', reason: 'tokens', retryAfterMs: tokensWaitMs };
  }
  return {
    outcome: 'admitted',
    levels: {
      requestsUnits: levels.requestsUnits === null ? null : levels.requestsUnits - UNITS_PER_ITEM,
      tokensUnits: levels.tokensUnits === null ? null : levels.tokensUnits - tokens * UNITS_PER_ITEM,
    },
  };
}

/** Adds refunded tokens back, never past the bucket's capacity. */
export function creditTokens(levels: BucketLevels, limits: EffectiveLimits, tokens: number): BucketLevels {
  if (limits.tokens === null || levels.tokensUnits === null) return levels;
  // Capping the count first keeps the product a safe integer even for an absurd refund.
  const creditedUnits = Math.min(tokens, limits.tokens) * UNITS_PER_ITEM;
  return { ...levels, tokensUnits: Math.min(levels.tokensUnits + creditedUnits, capacityUnits(limits.tokens)) };
}

export function dimensionState(levelUnits: number, limit: number): DimensionState {
  return {
    limit,
    remaining: Math.floor(levelUnits / UNITS_PER_ITEM),
    resetMs: waitMs(levelUnits, capacityUnits(limit), limit),
  };
}

export function limitState(levels: BucketLevels, limits: EffectiveLimits): LimitState {
  return {
    requests: limits.requests === null ? null : dimensionState(levelOf(levels.requestsUnits), limits.requests),
    tokens: limits.tokens === null ? null : dimensionState(levelOf(levels.tokensUnits), limits.tokens),
  };
}

/** The admission a decision amounts to; `levels` are the levels the decision was made on. */
export function admissionFrom(decision: BucketDecision, levels: BucketLevels, limits: EffectiveLimits): Admission {
  switch (decision.outcome) {
    case 'admitted': return { allowed: true, state: limitState(decision.levels, limits) };
    case 'refused': return { allowed: false, reason: decision.reason, retryAfterMs: decision.retryAfterMs, state: limitState(levels, limits) };
    case 'too_large': return { allowed: false, reason: 'too_large', retryAfterMs: null, state: limitState(levels, limits) };
    default: {
      const unhandled: never = decision;
      throw new Error(`unhandled decision ${JSON.stringify(unhandled)}`);
    }
  }
}

function levelOf(units: number | null): number {
  if (units === null) throw new Error('a limited dimension has no bucket level');
  return units;
}

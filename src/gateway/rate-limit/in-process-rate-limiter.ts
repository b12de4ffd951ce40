// The rate limiter for a single gateway process (no REDIS_URL): buckets in a Map. Each process
// has its own buckets, so with several processes behind a balancer each would allow the full
// limit; that deployment needs the Redis limiter.
import {
  UNLIMITED_STATE, assertTokenCount, effectiveLimits,
  type Admission, type AdmitInput, type RateLimiter, type RateLimits,
} from './rate-limiter.ts';
import {
  MS_PER_MINUTE, admissionFrom, creditTokens, currentLevels, decideAdmission,
  type BucketLevels, type StoredLevels,
} from './token-bucket.ts';

export const IN_PROCESS_KEYS_MAX_DEFAULT = 100_000;
/** Idle buckets dropped per call: enough to outpace the arrival of new keys, small enough to cost nothing. */
const IDLE_EVICTIONS_PER_CALL = 2;

export interface InProcessRateLimiterOptions {
  /** The clock used when a call passes no `nowMs`. */
  now?: () => number;
  /**
   * Most keys tracked at once. Past it the least recently debited key is forgotten, which
   * hands that key a full bucket; keep it above the number of keys active within a minute.
   */
  keysMax?: number;
}

/**
 * Memory stays bounded by evicting idle buckets: any bucket left alone for a minute has
 * refilled completely, and a full bucket is exactly what a missing entry means, so dropping it
 * changes no decision. The Map is kept in order of last write (delete, then set), so idle
 * buckets gather at its front and each call drops a few from there.
 */
export class InProcessRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, StoredLevels>();
  private readonly now: () => number;
  private readonly keysMax: number;

  constructor(options: InProcessRateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.keysMax = options.keysMax ?? IN_PROCESS_KEYS_MAX_DEFAULT;
    if (!Number.isSafeInteger(this.keysMax) || this.keysMax < 1) throw new RangeError(`keysMax must be a positive integer, got ${this.keysMax}`);
  }

  /** How many keys hold a bucket that is not known to be full. */
  get trackedKeys(): number {
    return this.buckets.size;
  }

  async admit(input: AdmitInput): Promise<Admission> {
    assertTokenCount(input.tokens);
    const limits = effectiveLimits(input.limits);
    if (limits.requests === null && limits.tokens === null) return { allowed: true, state: UNLIMITED_STATE };
    const nowMs = checkedTime(input.nowMs ?? this.now());
    this.evictIdle(nowMs, IDLE_EVICTIONS_PER_CALL);
    const stored = this.buckets.get(input.keyId);
    const levels = currentLevels(stored, limits, nowMs);
    const decision = decideAdmission(levels, limits, input.tokens);
    if (decision.outcome === 'admitted') this.write(input.keyId, decision.levels, stored, nowMs);
    return admissionFrom(decision, levels, limits);
  }

  async refund(keyId: string, limitsGiven: RateLimits, tokens: number, nowMsGiven?: number): Promise<void> {
    assertTokenCount(tokens);
    const nowMs = checkedTime(nowMsGiven ?? this.now());
    const limits = effectiveLimits(limitsGiven);
    const stored = this.buckets.get(keyId);
    // No entry means a full bucket: there is nothing to give back.
    if (limits.tokens === null || stored === undefined || tokens === 0) return;
    const levels = currentLevels(stored, limits, nowMs);
    this.write(keyId, creditTokens(levels, limits, tokens), stored, nowMs);
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }

  private write(keyId: string, levels: BucketLevels, previous: StoredLevels | undefined, nowMs: number): void {
    // A clock that stepped back keeps the later time, so the same interval is never refilled twice.
    const updatedMs = previous === undefined ? nowMs : Math.max(previous.updatedMs, nowMs);
    const entry: StoredLevels = { updatedMs };
    if (levels.requestsUnits !== null) entry.requestsUnits = levels.requestsUnits;
    if (levels.tokensUnits !== null) entry.tokensUnits = levels.tokensUnits;
    if (previous !== undefined) {
      this.buckets.delete(keyId);
    } else if (this.buckets.size >= this.keysMax) {
      this.evictIdle(nowMs, Number.POSITIVE_INFINITY);
      if (this.buckets.size >= this.keysMax) this.evictOldest();
    }
    this.buckets.set(keyId, entry);
  }

  private evictIdle(nowMs: number, evictionsMax: number): void {
    let evicted = 0;
    for (const [keyId, stored] of this.buckets) {
      if (evicted >= evictionsMax || nowMs - stored.updatedMs < MS_PER_MINUTE) return;
      this.buckets.delete(keyId);
      evicted += 1;
    }
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}

/** Whole milliseconds keep every bucket level an integer (see token-bucket.ts). */
function checkedTime(nowMs: number): number {
  if (!Number.isSafeInteger(nowMs)) throw new RangeError(`nowMs must be an integer number of milliseconds, got ${nowMs}`);
  return nowMs;
}

// The rate limiter shared by every gateway process: each key's buckets live in one Redis hash,
// read, decided and written by one Lua script (redis-bucket-script.ts) so processes never spend
// the same capacity twice. Keys expire after a minute of idleness, when they would be full anyway.
//
// Failure policy. When Redis cannot be reached (down, slow past the command timeout, not yet
// connected) the limiter by default fails OPEN: the request is admitted without limits and the
// failure is reported (throttled) through `onError`. A gateway's job is to serve; an outage of
// the limiter's store should not become an outage of the API, and billing still settles every
// request in the ledger. `failureMode: 'closed'` refuses instead, with reason `unavailable`,
// for deployments where the limits protect something more expensive than availability.
// Refunds are best effort in both modes.
import { Redis } from 'ioredis';
import { z } from 'zod';
import {
  UNLIMITED_STATE, assertTokenCount, effectiveLimits,
  type Admission, type AdmitInput, type RateLimiter, type RateLimits,
} from './rate-limiter.ts';
import { MS_PER_MINUTE, admissionFrom, type BucketDecision, type BucketLevels, type EffectiveLimits } from './token-bucket.ts';
import { BUCKET_SCRIPT, SCRIPT_COMMAND, SCRIPT_REASONS } from './redis-bucket-script.ts';
import { ThrottledReporter } from './throttled-reporter.ts';

export const REDIS_KEY_PREFIX_DEFAULT = 'lumen:rate-limit:';

export interface RedisRateLimiterOptions {
  redisUrl: string;
  /** Prefix of every key this limiter writes; tests use a fresh one per run. */
  keyPrefix?: string;
  /** 'open' (default) admits when Redis is unreachable; 'closed' refuses with reason `unavailable`. */
  failureMode?: 'open' | 'closed';
  /** Retry-After given with an `unavailable` refusal. */
  unavailableRetryAfterMs?: number;
  /** Longest wait for one script call; past it the failure policy applies. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Called with Redis failures, at most once per `errorReportIntervalMs`, with how many were left unreported. */
  onError?: (error: Error, suppressedCount: number) => void;
  errorReportIntervalMs?: number;
  /**
   * 'redis' (default): Redis TIME, one clock for every process, and a call passing `nowMs` is a
   * programmer error. 'caller': every call must pass `nowMs`; for tests that drive refill.
   */
  clock?: 'redis' | 'caller';
}

export const REDIS_LIMITER_DEFAULTS = {
  keyPrefix: REDIS_KEY_PREFIX_DEFAULT,
  failureMode: 'open',
  unavailableRetryAfterMs: 1_000,
  commandTimeoutMs: 500,
  connectTimeoutMs: 2_000,
  errorReportIntervalMs: 10_000,
} as const;

/** Reconnection backs off 100 ms per attempt up to this, forever: Redis coming back is the normal end of an outage. */
const RECONNECT_DELAY_MAX_MS = 2_000;

interface LimiterSettings {
  keyPrefix: string;
  failureMode: 'open' | 'closed';
  unavailableRetryAfterMs: number;
  clock: 'redis' | 'caller';
}

/** The script's reply, checked as it arrives: [admitted, reason, retry after ms, requests level, tokens level, now ms]. */
const scriptReplySchema = z.tuple([
  z.union([z.literal(0), z.literal(1)]), z.number().int().min(0).max(SCRIPT_REASONS.length - 1),
  z.number().int().min(0).max(MS_PER_MINUTE), z.number().int().min(-1), z.number().int().min(-1), z.number().int(),
]);

type ScriptCommand = (key: string, operation: string, requests: string, tokens: string, count: string, nowMs: string,
  timeToLiveMs: string) => Promise<unknown>;

export class RedisRateLimiter implements RateLimiter {
  private readonly client: Redis;
  private readonly settings: LimiterSettings;
  private readonly reporter: ThrottledReporter;
  /** Settles at the first connection outcome, so calls made at start-up wait for it instead of failing. */
  private readonly firstConnection: Promise<void>;
  private closed = false;

  constructor(options: RedisRateLimiterOptions) {
    const defaults = REDIS_LIMITER_DEFAULTS;
    this.settings = {
      keyPrefix: options.keyPrefix ?? defaults.keyPrefix,
      failureMode: options.failureMode ?? defaults.failureMode,
      unavailableRetryAfterMs: options.unavailableRetryAfterMs ?? defaults.unavailableRetryAfterMs,
      clock: options.clock ?? 'redis',
    };
    const connectTimeoutMs = options.connectTimeoutMs ?? defaults.connectTimeoutMs;
    this.reporter = new ThrottledReporter(options.errorReportIntervalMs ?? defaults.errorReportIntervalMs, options.onError);
    this.client = new Redis(options.redisUrl, {
      // A queued command would run after the caller already moved on (and debit twice if resent):
      // while disconnected, fail at once and let the failure policy answer. A script that times
      // out may still run later; that debits a request the caller admitted anyway, erring strict.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.commandTimeoutMs ?? defaults.commandTimeoutMs,
      connectTimeout: connectTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_DELAY_MAX_MS),
    });
    this.client.on('error', (error: Error) => this.reporter.report(error));
    this.client.defineCommand(SCRIPT_COMMAND, { numberOfKeys: 1, lua: BUCKET_SCRIPT });
    this.firstConnection = firstConnectionOutcome(this.client, connectTimeoutMs);
  }

  async admit(input: AdmitInput): Promise<Admission> {
    assertTokenCount(input.tokens);
    const limits = effectiveLimits(input.limits);
    const nowMs = this.checkedTime(input.nowMs);
    if (limits.requests === null && limits.tokens === null) return { allowed: true, state: UNLIMITED_STATE };
    try {
      const reply = await this.runScript('admit', input.keyId, limits, input.tokens, nowMs);
      return admissionFrom(reply.decision, reply.levels, limits);
    } catch (error) {
      this.reporter.report(asError(error));
      return this.settings.failureMode === 'open'
        ? { allowed: true, state: UNLIMITED_STATE }
        : { allowed: false, reason: 'unavailable', retryAfterMs: this.settings.unavailableRetryAfterMs, state: UNLIMITED_STATE };
    }
  }

  async refund(keyId: string, limitsGiven: RateLimits, tokens: number, nowMsGiven?: number): Promise<void> {
    assertTokenCount(tokens);
    const limits = effectiveLimits(limitsGiven);
    const nowMs = this.checkedTime(nowMsGiven);
    if (limits.tokens === null || tokens === 0) return;
    try {
      // More than the capacity can never be credited; capping keeps the script's arithmetic small.
      await this.runScript('refund', keyId, limits, Math.min(tokens, limits.tokens), nowMs);
    } catch (error) {
      this.reporter.report(asError(error));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }

  private checkedTime(nowMs: number | undefined): number | undefined {
    if (this.settings.clock === 'redis' && nowMs !== undefined) {
      throw new Error('RedisRateLimiter uses Redis TIME; pass nowMs only to a limiter built with clock: "caller"');
    }
    if (this.settings.clock === 'caller' && (nowMs === undefined || !Number.isSafeInteger(nowMs))) {
      throw new Error('a RedisRateLimiter built with clock: "caller" needs an integer nowMs on every call');
    }
    return nowMs;
  }

  private async runScript(operation: 'admit' | 'refund', keyId: string, limits: EffectiveLimits, tokens: number,
    nowMs: number | undefined): Promise<{ decision: BucketDecision; levels: BucketLevels }> {
    await this.firstConnection;
    if (this.client.status !== 'ready') throw new Error(`redis connection is ${this.client.status}`);
    const command = (this.client as unknown as Record<typeof SCRIPT_COMMAND, ScriptCommand>)[SCRIPT_COMMAND];
    const raw = await command.call(this.client, this.settings.keyPrefix + keyId, operation, String(limits.requests ?? 0),
      String(limits.tokens ?? 0), String(tokens), nowMs === undefined ? '' : String(nowMs), String(MS_PER_MINUTE));
    const parsed = scriptReplySchema.safeParse(raw);
    if (!parsed.success) throw new Error(`unexpected rate limit script reply ${JSON.stringify(raw)}`);
    return decodeReply(parsed.data, limits, tokens);
  }
}

function decodeReply(reply: z.infer<typeof scriptReplySchema>, limits: EffectiveLimits, tokens: number) {
  const [admitted, reasonCode, retryAfterMs, requestsUnits, tokensUnits] = reply;
  const reported: BucketLevels = {
    requestsUnits: limits.requests === null ? null : requestsUnits,
    tokensUnits: limits.tokens === null ? null : tokensUnits,
  };
  const reason = SCRIPT_REASONS[reasonCode];
  // The script reports the levels after the debit for an admission and the untouched levels for a
  // refusal, which is what admissionFrom reads in each case.
  const decision: BucketDecision = admitted === 1 ? { outcome: 'admitted', levels: reported }
    : reason === 'too_large' ? { outcome: 'too_large' }
    : reason === 'requests' || reason === 'tokens' ? { outcome: 'refused', reason, retryAfterMs }
    : unexpected(`a refusal with reason ${reason} for ${tokens} tokens`);
  return { decision, levels: reported };
}

function unexpected(what: string): never {
  throw new Error(`rate limit script returned ${what}`);
}

function firstConnectionOutcome(client: Redis, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      clearTimeout(timer);
      client.off('ready', settle).off('error', settle).off('end', settle);
      resolve();
    };
    const timer = setTimeout(settle, timeoutMs);
    timer.unref();
    client.once('ready', settle).once('error', settle).once('end', settle);
  });
}

const asError = (thrown: unknown): Error => (thrown instanceof Error ? thrown : new Error(String(thrown)));

// The behaviour every RateLimiter owes the gateway, as one reusable uvu suite. Time is always
// passed in (nowMs), so the in-process limiter and the Redis limiter built with clock: 'caller'
// give exactly the same answers and no case depends on how fast the machine is.
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Admission, RateLimiter, RateLimits } from '../../src/gateway/rate-limit/rate-limiter.ts';

export interface OpenedLimiter {
  limiter: RateLimiter;
  dispose(): Promise<void>;
}

interface LimiterCase {
  title: string;
  run(limiter: RateLimiter, keyId: string): Promise<void>;
}

const START_MS = 1_700_000_000_000;
/** 5 requests a minute refill one every 12 s; 600 tokens a minute refill 10 a second. */
const LIMITS: RateLimits = { requestsPerMinute: 5, tokensPerMinute: 600 };

async function admitMany(limiter: RateLimiter, keyId: string, count: number, nowMs: number, tokens = 1): Promise<Admission[]> {
  const admissions: Admission[] = [];
  for (let index = 0; index < count; index += 1) admissions.push(await limiter.admit({ keyId, limits: LIMITS, tokens, nowMs }));
  return admissions;
}

function refused(admission: Admission) {
  assert.is(admission.allowed, false, 'the admission should be refused');
  if (admission.allowed) throw new Error('unreachable');
  return admission;
}

export const limiterCases: LimiterCase[] = [{
  title: 'given a fresh key, when a burst arrives, then exactly the limit is admitted and the next waits for one refill',
  async run(limiter, keyId) {
    const burst = await admitMany(limiter, keyId, 5, START_MS);
    const next = await limiter.admit({ keyId, limits: LIMITS, tokens: 1, nowMs: START_MS });

    assert.equal(burst.map((admission) => admission.allowed), [true, true, true, true, true]);
    assert.equal(burst.map((admission) => admission.state.requests?.remaining), [4, 3, 2, 1, 0]);
    assert.equal(burst.at(-1)?.state.requests, { limit: 5, remaining: 0, resetMs: 60_000 });
    const refusal = refused(next);
    assert.is(refusal.reason, 'requests');
    assert.is(refusal.retryAfterMs, 12_000);
  },
}, {
  title: 'given an exhausted key, when retrying 1 ms early and then on time, then only the on-time retry is admitted',
  async run(limiter, keyId) {
    await admitMany(limiter, keyId, 5, START_MS);

    const early = await limiter.admit({ keyId, limits: LIMITS, tokens: 1, nowMs: START_MS + 11_999 });
    const onTime = await limiter.admit({ keyId, limits: LIMITS, tokens: 1, nowMs: START_MS + 12_000 });

    assert.is(refused(early).retryAfterMs, 1);
    assert.is(onTime.allowed, true);
    assert.is(onTime.state.requests?.remaining, 0);
  },
}, {
  title: 'given an exhausted key, when a minute passes, then the whole limit is available again',
  async run(limiter, keyId) {
    await admitMany(limiter, keyId, 5, START_MS);

    const later = await admitMany(limiter, keyId, 6, START_MS + 60_000);

    assert.equal(later.map((admission) => admission.allowed), [true, true, true, true, true, false]);
    assert.is(refused(later[5]!).retryAfterMs, 12_000);
  },
}, {
  title: 'given a partly used key, when idle for longer than a minute, then it holds exactly the limit and no more',
  async run(limiter, keyId) {
    await admitMany(limiter, keyId, 2, START_MS);

    const later = await admitMany(limiter, keyId, 6, START_MS + 120_000);

    assert.equal(later.map((admission) => admission.allowed), [true, true, true, true, true, false]);
    assert.is(refused(later[5]!).retryAfterMs, 12_000);
  },
}, {
  title: 'given too few tokens, when admitting, then it is refused for tokens and neither bucket is debited',
  async run(limiter, keyId) {
    await limiter.admit({ keyId, limits: LIMITS, tokens: 500, nowMs: START_MS });

    const short = await limiter.admit({ keyId, limits: LIMITS, tokens: 200, nowMs: START_MS });
    const small = await limiter.admit({ keyId, limits: LIMITS, tokens: 100, nowMs: START_MS });

    const refusal = refused(short);
    assert.is(refusal.reason, 'tokens');
    // 100 tokens are missing at 10 per second.
    assert.is(refusal.retryAfterMs, 10_000);
    assert.equal(refusal.state.requests?.remaining, 4);
    assert.equal(small.state, { requests: { limit: 5, remaining: 3, resetMs: 24_000 }, tokens: { limit: 600, remaining: 0, resetMs: 60_000 } });
  },
}, {
  title: 'given tokens debited on an estimate, when the unused part is refunded, then it can be spent again at once',
  async run(limiter, keyId) {
    await limiter.admit({ keyId, limits: LIMITS, tokens: 500, nowMs: START_MS });

    await limiter.refund(keyId, LIMITS, 300, START_MS);
    const after = await limiter.admit({ keyId, limits: LIMITS, tokens: 400, nowMs: START_MS });

    assert.is(after.allowed, true);
    assert.is(after.state.tokens?.remaining, 0);
  },
}, {
  title: 'given a refund larger than what was spent, when refunded, then the bucket stops at the limit',
  async run(limiter, keyId) {
    await limiter.admit({ keyId, limits: LIMITS, tokens: 100, nowMs: START_MS });

    await limiter.refund(keyId, LIMITS, 10_000, START_MS);
    const after = await limiter.admit({ keyId, limits: LIMITS, tokens: 0, nowMs: START_MS });

    assert.equal(after.state.tokens, { limit: 600, remaining: 600, resetMs: 0 });
  },
}, {
  title: 'given a key never seen, when refunded, then nothing changes and its bucket is still full',
  async run(limiter, keyId) {
    await limiter.refund(keyId, LIMITS, 50, START_MS);

    const first = await limiter.admit({ keyId, limits: LIMITS, tokens: 600, nowMs: START_MS });

    assert.is(first.allowed, true);
    assert.is(first.state.tokens?.remaining, 0);
  },
}, {
  title: 'given an estimate above the whole token limit, when admitting, then it is too large and nothing is debited',
  async run(limiter, keyId) {
    const tooLarge = await limiter.admit({ keyId, limits: LIMITS, tokens: 601, nowMs: START_MS });
    const fits = await limiter.admit({ keyId, limits: LIMITS, tokens: 600, nowMs: START_MS });

    const refusal = refused(tooLarge);
    assert.is(refusal.reason, 'too_large');
    assert.is(refusal.retryAfterMs, null);
    assert.equal(refusal.state.requests?.remaining, 5);
    assert.is(fits.allowed, true);
  },
}, {
  title: 'given both buckets short, when admitting, then the refusal names the one that takes longer to refill',
  async run(limiter, keyId) {
    await admitMany(limiter, keyId, 5, START_MS, 100);

    const refusal = refused(await limiter.admit({ keyId, limits: LIMITS, tokens: 500, nowMs: START_MS }));

    // One request takes 12 s; the missing 400 tokens take 40 s.
    assert.is(refusal.reason, 'tokens');
    assert.is(refusal.retryAfterMs, 40_000);
  },
}, {
  title: 'given both buckets needing the same wait, when admitting, then the refusal names requests',
  async run(limiter, keyId) {
    await admitMany(limiter, keyId, 5, START_MS, 120);

    const refusal = refused(await limiter.admit({ keyId, limits: LIMITS, tokens: 120, nowMs: START_MS }));

    assert.is(refusal.reason, 'requests');
    assert.is(refusal.retryAfterMs, 12_000);
  },
}, {
  title: 'given unlimited dimensions spelled null, 0 and Infinity, when admitting many, then all pass and report no state for them',
  async run(limiter, keyId) {
    const requestsOnly = { requestsPerMinute: 2, tokensPerMinute: 0 };
    const tokensOnly = { requestsPerMinute: null, tokensPerMinute: 1_000 };
    const neither = { requestsPerMinute: Number.POSITIVE_INFINITY, tokensPerMinute: null };

    const big = await limiter.admit({ keyId: `${keyId}-requests`, limits: requestsOnly, tokens: 10_000_000, nowMs: START_MS });
    const many = [];
    for (let index = 0; index < 20; index += 1) {
      many.push(await limiter.admit({ keyId: `${keyId}-tokens`, limits: tokensOnly, tokens: 10, nowMs: START_MS }));
    }
    const free = await limiter.admit({ keyId: `${keyId}-neither`, limits: neither, tokens: 10_000_000, nowMs: START_MS });

    assert.equal(big.state, { requests: { limit: 2, remaining: 1, resetMs: 30_000 }, tokens: null });
    assert.ok(many.every((admission) => admission.allowed));
    assert.equal(many.at(-1)?.state, { requests: null, tokens: { limit: 1_000, remaining: 800, resetMs: 12_000 } });
    assert.equal(free, { allowed: true, state: { requests: null, tokens: null } });
  },
}, {
  title: 'given two keys, when one is exhausted, then the other is unaffected',
  async run(limiter, keyId) {
    await admitMany(limiter, `${keyId}-busy`, 5, START_MS);

    const other = await limiter.admit({ keyId: `${keyId}-quiet`, limits: LIMITS, tokens: 1, nowMs: START_MS });

    assert.is(other.allowed, true);
    assert.is(other.state.requests?.remaining, 4);
  },
}, {
  title: 'given a clock that steps back, when admitting, then the same interval is never refilled twice',
  async run(limiter, keyId) {
    await admitMany(limiter, keyId, 4, START_MS + 12_000);

    const stepBack = await admitMany(limiter, keyId, 2, START_MS);
    const forwardAgain = await limiter.admit({ keyId, limits: LIMITS, tokens: 1, nowMs: START_MS + 12_000 });

    assert.is(stepBack[0]!.allowed, true);
    assert.is(refused(stepBack[1]!).retryAfterMs, 12_000);
    assert.is(refused(forwardAgain).retryAfterMs, 12_000);
  },
}, {
  title: 'given a lowered limit, when admitting, then the bucket holds no more than the new limit',
  async run(limiter, keyId) {
    await limiter.admit({ keyId, limits: { requestsPerMinute: 100, tokensPerMinute: 600 }, tokens: 1, nowMs: START_MS });

    const lowered = await admitMany(limiter, keyId, 6, START_MS + 1);

    assert.equal(lowered.map((admission) => admission.allowed), [true, true, true, true, true, false]);
  },
}];

/** Registers the cases as one suite, each with a key no other case or run uses, and runs it. */
export function defineRateLimiterContract(name: string, open: () => Promise<OpenedLimiter>): void {
  const contract = suite(name);
  const run = randomBytes(5).toString('hex');
  let opened: OpenedLimiter | undefined;
  contract.before(async () => {
    opened = await open();
  });
  contract.after(async () => {
    await opened?.dispose();
  });
  limiterCases.forEach((limiterCase, index) => {
    contract(limiterCase.title, () => limiterCase.run(opened!.limiter, `contract-${run}-${index}`));
  });
  contract.run();
}

export function skipRateLimiterContract(name: string): void {
  const contract = suite(name);
  for (const limiterCase of limiterCases) contract.skip(limiterCase.title, () => undefined);
  contract.run();
}

// The bucket arithmetic both limiters share, as pure functions: units of 1/60 000 so refill per
// millisecond equals the per-minute limit, refill capped at capacity, exact waits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { effectiveLimit, effectiveLimits, PER_MINUTE_LIMIT_MAX } from '../../src/gateway/rate-limit/rate-limiter.ts';
import {
  UNITS_PER_ITEM, capacityUnits, creditTokens, currentLevels, decideAdmission, dimensionState, elapsedForRefill,
  refilledUnits, waitMs,
} from '../../src/gateway/rate-limit/token-bucket.ts';

const units = (items: number) => items * UNITS_PER_ITEM;

test('given no stored level, when refilled, then the bucket is full', () => {
  assert.is(refilledUnits(undefined, 60, 0), units(60));
});

test('given a bucket of 60 per minute, when 500 ms pass, then it gains exactly half a request', () => {
  assert.is(refilledUnits(units(10), 60, 500), units(10) + units(1) / 2);
});

test('given a nearly full bucket, when refilled for long, then it stops at capacity', () => {
  assert.is(refilledUnits(units(59), 60, 60_000), capacityUnits(60));
});

test('given clock readings, when computing refill time, then a step back gives 0 and anything past a minute gives a minute', () => {
  assert.is(elapsedForRefill(1_000, 400), 0);
  assert.is(elapsedForRefill(1_000, 1_250), 250);
  assert.is(elapsedForRefill(0, 10 * 60_000), 60_000);
});

test('given stored levels and a later time, when reading current levels, then unlimited dimensions have none', () => {
  const levels = currentLevels({ requestsUnits: 0, updatedMs: 1_000 }, { requests: 6, tokens: null }, 2_000);
  assert.equal(levels, { requestsUnits: 6 * 1_000, tokensUnits: null });
});

test('given a deficit that is not a whole number of milliseconds, when computing the wait, then it rounds up', () => {
  assert.is(waitMs(0, units(1), 7), Math.ceil(60_000 / 7));
  assert.is(waitMs(units(1), units(1), 7), 0);
  assert.is(waitMs(units(1) - 1, units(1), PER_MINUTE_LIMIT_MAX), 1);
});

test('given enough in both buckets, when deciding, then one request and the tokens are debited', () => {
  const decision = decideAdmission({ requestsUnits: units(3), tokensUnits: units(100) }, { requests: 3, tokens: 100 }, 40);
  assert.equal(decision, { outcome: 'admitted', levels: { requestsUnits: units(2), tokensUnits: units(60) } });
});

test('given an empty request bucket, when deciding, then it is refused for requests with the wait for one request', () => {
  const decision = decideAdmission({ requestsUnits: 0, tokensUnits: units(100) }, { requests: 3, tokens: 100 }, 40);
  assert.equal(decision, { outcome: 'refused', reason: 'requests', retryAfterMs: 20_000 });
});

test('given both buckets short, when deciding, then the refusal names the slower one and waits for it', () => {
  const limits = { requests: 60, tokens: 100 };
  const decision = decideAdmission({ requestsUnits: units(1) - 60_000, tokensUnits: units(10) }, limits, 60);
  // A request refills in 1 s here; 50 tokens at 100 per minute take 30 s.
  assert.equal(decision, { outcome: 'refused', reason: 'tokens', retryAfterMs: 30_000 });
});

test('given an estimate above the whole token limit, when deciding, then it is too large even with a full bucket', () => {
  assert.equal(decideAdmission({ requestsUnits: units(3), tokensUnits: units(100) }, { requests: 3, tokens: 100 }, 101),
    { outcome: 'too_large' });
});

test('given unlimited dimensions, when deciding, then they are neither checked nor debited', () => {
  assert.equal(decideAdmission({ requestsUnits: null, tokensUnits: units(5) }, { requests: null, tokens: 10 }, 5),
    { outcome: 'admitted', levels: { requestsUnits: null, tokensUnits: 0 } });
});

test('given a refund larger than the room left, when credited, then the bucket stops at capacity', () => {
  const limits = { requests: 3, tokens: 100 };
  assert.equal(creditTokens({ requestsUnits: 0, tokensUnits: units(20) }, limits, 30), { requestsUnits: 0, tokensUnits: units(50) });
  assert.equal(creditTokens({ requestsUnits: 0, tokensUnits: units(20) }, limits, 1_000), { requestsUnits: 0, tokensUnits: units(100) });
});

test('given a level with a fraction, when reported, then remaining is rounded down and the reset is the time to full', () => {
  assert.equal(dimensionState(units(2) + 1, 3), { limit: 3, remaining: 2, resetMs: Math.ceil((units(1) - 1) / 3) });
  assert.equal(dimensionState(capacityUnits(3), 3), { limit: 3, remaining: 3, resetMs: 0 });
});

test('given the spellings of unlimited, when normalized, then null, 0 and Infinity are all unlimited', () => {
  assert.equal(effectiveLimits({ requestsPerMinute: null, tokensPerMinute: 0 }), { requests: null, tokens: null });
  assert.is(effectiveLimit(Number.POSITIVE_INFINITY, 'limit'), null);
  assert.is(effectiveLimit(PER_MINUTE_LIMIT_MAX, 'limit'), PER_MINUTE_LIMIT_MAX);
});

test('given a limit that config should have refused, when normalized, then it crashes loudly', () => {
  for (const bad of [-1, 1.5, Number.NaN, PER_MINUTE_LIMIT_MAX + 1]) {
    assert.throws(() => effectiveLimit(bad, 'requestsPerMinute'), /requestsPerMinute/);
  }
});

test.run();

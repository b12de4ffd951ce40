// The in-process limiter: the shared limiter contract, bounded memory, and properties over random
// sequences of admissions, refunds and clock steps (time is always injected).
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRateLimiter } from '../../src/gateway/rate-limit/create-rate-limiter.ts';
import { InProcessRateLimiter } from '../../src/gateway/rate-limit/in-process-rate-limiter.ts';
import type { LimitState } from '../../src/gateway/rate-limit/rate-limiter.ts';
import { defineRateLimiterContract } from './limiter-contract.ts';
import { START_MS, scenarioArbitrary, takeRefund } from './operations.ts';

defineRateLimiterContract('rate limiter contract (in-process)', async () => {
  const limiter = new InProcessRateLimiter();
  return { limiter, dispose: () => limiter.close() };
});

const LIMITS = { requestsPerMinute: 2, tokensPerMinute: 100 };

test('given many keys used once, when a minute passes, then their idle buckets are evicted as new calls arrive', async () => {
  const limiter = new InProcessRateLimiter();
  for (let index = 0; index < 10; index += 1) await limiter.admit({ keyId: `key-${index}`, limits: LIMITS, tokens: 1, nowMs: START_MS });

  for (let index = 0; index < 5; index += 1) {
    await limiter.admit({ keyId: 'active', limits: LIMITS, tokens: 0, nowMs: START_MS + 60_000 + index * 30_000 });
  }

  assert.is(limiter.trackedKeys, 1);
});

test('given more keys than keysMax, when admitting, then memory stays bounded and an idle key is dropped before a busy one', async () => {
  const limiter = new InProcessRateLimiter({ keysMax: 3 });
  await limiter.admit({ keyId: 'idle', limits: LIMITS, tokens: 1, nowMs: START_MS });
  await limiter.admit({ keyId: 'busy-1', limits: LIMITS, tokens: 1, nowMs: START_MS + 59_000 });
  await limiter.admit({ keyId: 'busy-2', limits: LIMITS, tokens: 1, nowMs: START_MS + 59_000 });

  await limiter.admit({ keyId: 'new', limits: LIMITS, tokens: 1, nowMs: START_MS + 60_000 });
  const busy = await limiter.admit({ keyId: 'busy-1', limits: LIMITS, tokens: 1, nowMs: START_MS + 60_000 });

  assert.is(limiter.trackedKeys, 3);
  assert.is(busy.state.requests?.remaining, 0, 'busy-1 kept its bucket');
});

test('given every tracked key busy and keysMax reached, when a new key arrives, then the least recently used is forgotten', async () => {
  const limiter = new InProcessRateLimiter({ keysMax: 2 });
  for (const keyId of ['first', 'second', 'third']) await limiter.admit({ keyId, limits: LIMITS, tokens: 1, nowMs: START_MS });

  const first = await limiter.admit({ keyId: 'first', limits: LIMITS, tokens: 1, nowMs: START_MS });

  assert.is(limiter.trackedKeys, 2);
  // Forgotten means a full bucket again: the documented price of the bound.
  assert.is(first.state.requests?.remaining, 1);
});

test('given no nowMs, when admitting, then the injected clock is read', async () => {
  let nowMs = START_MS;
  const limiter = new InProcessRateLimiter({ now: () => nowMs });
  await limiter.admit({ keyId: 'clocked', limits: LIMITS, tokens: 0 });
  await limiter.admit({ keyId: 'clocked', limits: LIMITS, tokens: 0 });

  nowMs += 30_000;
  const refilled = await limiter.admit({ keyId: 'clocked', limits: LIMITS, tokens: 0 });

  assert.is(refilled.allowed, true);
});

test('given a negative or fractional token count, when admitting or refunding, then it crashes', async () => {
  const limiter = new InProcessRateLimiter();
  for (const attempt of [() => limiter.admit({ keyId: 'bad', limits: LIMITS, tokens: -1 }), () => limiter.refund('bad', LIMITS, 1.5)]) {
    const outcome = await attempt().then(() => 'resolved', (error: unknown) => error);
    assert.instance(outcome, RangeError);
  }
});

test('given no REDIS_URL, when creating a limiter, then it is the in-process one', async () => {
  const limiter = createRateLimiter({ redisUrl: '' });
  assert.instance(limiter, InProcessRateLimiter);
  await limiter.close();
});

/** No bucket is ever overdrawn (a debit never takes it below zero) or filled past its limit. */
function assertWithinBuckets(state: LimitState): void {
  for (const dimension of [state.requests, state.tokens]) {
    assert.ok(dimension !== null && dimension.remaining >= 0 && dimension.remaining <= dimension.limit,
      `bucket out of range: ${JSON.stringify(dimension)}`);
  }
}

test('given random admissions, refunds and clock steps, then no bucket is overdrawn and admissions never exceed capacity plus refill', async () => {
  await fc.assert(fc.asyncProperty(scenarioArbitrary(60), async ({ limits, operations }) => {
    const limiter = new InProcessRateLimiter();
    const outstanding: number[] = [];
    let nowMs = START_MS;
    let requests = 0;
    let netTokens = 0;
    for (const operation of operations) {
      if (operation.kind === 'advance') nowMs += operation.ms;
      if (operation.kind === 'refund') {
        const tokens = takeRefund(outstanding, operation);
        if (tokens !== undefined) {
          await limiter.refund('key', limits, tokens, nowMs);
          netTokens -= tokens;
        }
      }
      if (operation.kind === 'admit') {
        const admission = await limiter.admit({ keyId: 'key', limits, tokens: operation.tokens, nowMs });
        assertWithinBuckets(admission.state);
        if (!admission.allowed) continue;
        requests += 1;
        netTokens += operation.tokens;
        outstanding.push(operation.tokens);
        // In units of 1/60 000, so both sides are exact integers: capacity + limit per ms elapsed.
        const elapsedMs = nowMs - START_MS;
        assert.ok(requests * 60_000 <= limits.requestsPerMinute * (60_000 + elapsedMs), 'too many requests admitted');
        assert.ok(netTokens * 60_000 <= limits.tokensPerMinute * (60_000 + elapsedMs), 'too many tokens admitted');
      }
    }
    await limiter.close();
  }), { numRuns: 300 });
});

test('given random histories, when a request is refused, then it is still refused 1 ms before retryAfterMs and admitted at it', async () => {
  await fc.assert(fc.asyncProperty(scenarioArbitrary(40), async ({ limits, operations }) => {
    const limiter = new InProcessRateLimiter();
    const outstanding: number[] = [];
    let nowMs = START_MS;
    for (const operation of operations) {
      if (operation.kind === 'advance') nowMs += operation.ms;
      if (operation.kind === 'refund') {
        const tokens = takeRefund(outstanding, operation);
        if (tokens !== undefined) await limiter.refund('key', limits, tokens, nowMs);
      }
      if (operation.kind !== 'admit') continue;
      const input = { keyId: 'key', limits, tokens: operation.tokens };
      const admission = await limiter.admit({ ...input, nowMs });
      assertWithinBuckets(admission.state);
      if (admission.allowed) {
        outstanding.push(operation.tokens);
        continue;
      }
      if (admission.reason === 'too_large') {
        assert.ok(operation.tokens > limits.tokensPerMinute);
        continue;
      }
      assert.ok(admission.retryAfterMs !== null && admission.retryAfterMs > 0 && admission.retryAfterMs <= 60_000);
      const early = await limiter.admit({ ...input, nowMs: nowMs + admission.retryAfterMs - 1 });
      nowMs += admission.retryAfterMs;
      const onTime = await limiter.admit({ ...input, nowMs });
      assert.is(early.allowed, false, 'admitted before retryAfterMs');
      assert.is(onTime.allowed, true, 'still refused at retryAfterMs');
      assertWithinBuckets(onTime.state);
      outstanding.push(operation.tokens);
    }
    await limiter.close();
  }), { numRuns: 300 });
});

test.run();

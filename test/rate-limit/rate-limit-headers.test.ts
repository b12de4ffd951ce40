// The headers and errors a refusal or an admission is answered with, spelled as OpenAI spells them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rateLimitError } from '../../src/gateway/rate-limit/rate-limit-error.ts';
import { formatResetDuration, rateLimitHeaders, retryAfterHeaders } from '../../src/gateway/rate-limit/rate-limit-headers.ts';
import type { LimitState } from '../../src/gateway/rate-limit/rate-limiter.ts';

const state: LimitState = {
  requests: { limit: 60, remaining: 59, resetMs: 1_000 },
  tokens: { limit: 150_000, remaining: 149_984, resetMs: 6 },
};

test('given durations from OpenAI responses, when formatted, then they read the same', () => {
  const examples: Array<[number, string]> = [
    [0, '0s'], [6, '6ms'], [17, '17ms'], [120, '120ms'], [999, '999ms'], [1_000, '1s'], [1_001, '1.001s'], [8_640, '8.64s'],
    [59_999, '59.999s'], [60_000, '1m0s'], [86_400, '1m26.4s'], [360_000, '6m0s'], [3_600_000, '1h0m0s'],
    [3_723_500, '1h2m3.5s'],
  ];
  for (const [durationMs, expected] of examples) assert.is(formatResetDuration(durationMs), expected, `${durationMs} ms`);
});

test('given a fraction of a millisecond, when formatted, then it rounds up so a client is never early', () => {
  assert.is(formatResetDuration(0.2), '1ms');
  assert.is(formatResetDuration(999.5), '1s');
});

test('given a negative or infinite duration, when formatted, then it crashes', () => {
  assert.throws(() => formatResetDuration(-1));
  assert.throws(() => formatResetDuration(Number.POSITIVE_INFINITY));
});

test('given both dimensions limited, when rendering headers, then all six x-ratelimit headers are sent', () => {
  assert.equal(rateLimitHeaders(state), {
    'x-ratelimit-limit-requests': '60',
    'x-ratelimit-limit-tokens': '150000',
    'x-ratelimit-remaining-requests': '59',
    'x-ratelimit-remaining-tokens': '149984',
    'x-ratelimit-reset-requests': '1s',
    'x-ratelimit-reset-tokens': '6ms',
  });
});

test('given an unlimited dimension, when rendering headers, then only the limited one is sent', () => {
  assert.equal(rateLimitHeaders({ requests: null, tokens: { limit: 1_000, remaining: 10, resetMs: 59_400 } }), {
    'x-ratelimit-limit-tokens': '1000',
    'x-ratelimit-remaining-tokens': '10',
    'x-ratelimit-reset-tokens': '59.4s',
  });
  assert.equal(rateLimitHeaders({ requests: null, tokens: null }), {});
});

test('given a wait with a fraction of a second, when rendering Retry-After, then seconds round up and milliseconds are exact', () => {
  assert.equal(retryAfterHeaders(1_200), { 'retry-after': '2', 'retry-after-ms': '1200' });
  assert.equal(retryAfterHeaders(17), { 'retry-after': '1', 'retry-after-ms': '17' });
});

test('given a refusal for requests, when turned into an error, then it is a 429 with Retry-After and the limit headers', () => {
  const exhausted: LimitState = { ...state, requests: { limit: 60, remaining: 0, resetMs: 60_000 } };
  const error = rateLimitError({ allowed: false, reason: 'requests', retryAfterMs: 1_000, state: exhausted }, 20);
  assert.is(error.status, 429);
  assert.is(error.code, 'rate_limit_exceeded');
  assert.is(error.retryAfterSeconds, 1);
  assert.is(error.headers['retry-after'], '1');
  assert.is(error.headers['x-ratelimit-remaining-requests'], '0');
  assert.is(error.headers['x-ratelimit-reset-requests'], '1m0s');
  assert.match(error.message, /requests per minute \(limit 60\).*1s/);
});

test('given a request too large for the token limit, when turned into an error, then it says so and asks SDKs not to retry', () => {
  const error = rateLimitError({ allowed: false, reason: 'too_large', retryAfterMs: null, state }, 200_000);
  assert.is(error.status, 429);
  assert.is(error.code, 'request_too_large');
  assert.is(error.retryAfterSeconds, null);
  assert.is(error.headers['x-should-retry'], 'false');
  assert.is(error.headers['retry-after'], undefined);
  assert.match(error.message, /200000 tokens.*150000 tokens per minute/);
});

test('given a limiter failing closed, when turned into an error, then it is a 503 with Retry-After', () => {
  const error = rateLimitError({ allowed: false, reason: 'unavailable', retryAfterMs: 1_000, state: { requests: null, tokens: null } }, 1);
  assert.is(error.status, 503);
  assert.is(error.code, 'rate_limiter_unavailable');
  assert.is(error.headers['retry-after'], '1');
});

test.run();

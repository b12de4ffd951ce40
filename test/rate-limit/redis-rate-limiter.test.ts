// The Redis limiter: the shared limiter contract and a comparison with the in-process limiter
// on random histories (time passed in), then Redis's own clock, key expiry, and two limiters
// racing like two gateway processes, against the server at REDIS_URL. The failure policy is
// checked always, against a port where nothing listens.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { suite, test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRateLimiter } from '../../src/gateway/rate-limit/create-rate-limiter.ts';
import { InProcessRateLimiter } from '../../src/gateway/rate-limit/in-process-rate-limiter.ts';
import type { Admission, RateLimits } from '../../src/gateway/rate-limit/rate-limiter.ts';
import { RedisRateLimiter } from '../../src/gateway/rate-limit/redis-rate-limiter.ts';
import { defineRateLimiterContract, skipRateLimiterContract } from './limiter-contract.ts';
import { playScenario, scenarioArbitrary } from './operations.ts';

const redisUrl = process.env.REDIS_URL;
/** Every key of this run starts with it, so runs never meet and cleanup removes exactly them. */
const keyPrefix = `lumen-test:rate-limit:${randomBytes(5).toString('hex')}:`;
const NOTHING_LISTENS_URL = 'redis://127.0.0.1:1';

if (redisUrl) {
  defineRateLimiterContract('rate limiter contract (redis)', async () => {
    const limiter = new RedisRateLimiter({ redisUrl, keyPrefix, clock: 'caller', failureMode: 'closed' });
    return { limiter, dispose: () => limiter.close() };
  });
  defineRedisSuite(redisUrl);
} else {
  console.log('REDIS_URL is not set: the Redis limiter tests are skipped (REDIS_URL=redis://127.0.0.1:6379)');
  skipRateLimiterContract('rate limiter contract (redis)');
}

async function redisTimeMs(client: Redis): Promise<number> {
  const [seconds, microseconds] = await client.time();
  return Number(seconds) * 1_000 + Math.floor(Number(microseconds) / 1_000);
}

function allowedCount(admissions: Admission[]): number {
  return admissions.filter((admission) => admission.allowed).length;
}

/** How many more a limit of `perMinute` may admit because real time passed between two Redis readings. */
const refillDuring = (startMs: number, endMs: number, perMinute: number) => Math.floor((endMs - startMs) * perMinute / 60_000);

function defineRedisSuite(url: string): void {
  const redis = suite('redis rate limiter');
  const admin = new Redis(url, { lazyConnect: true });
  const opened: RedisRateLimiter[] = [];
  const open = (options: Partial<ConstructorParameters<typeof RedisRateLimiter>[0]> = {}) => {
    const limiter = new RedisRateLimiter({ redisUrl: url, keyPrefix, failureMode: 'closed', ...options });
    opened.push(limiter);
    return limiter;
  };

  redis.before(async () => {
    await admin.connect();
  });
  redis.after(async () => {
    await Promise.all(opened.map((limiter) => limiter.close()));
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await admin.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1_000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  redis('given random histories, when played on Redis and in process, then every admission is identical', async () => {
    const limiter = open({ clock: 'caller' });
    let run = 0;
    await fc.assert(fc.asyncProperty(scenarioArbitrary(30), async (scenario) => {
      run += 1;
      const inProcess = await playScenario(new InProcessRateLimiter(), 'key', scenario);
      const shared = await playScenario(limiter, `differential-${run}`, scenario);
      assert.equal(shared, inProcess);
    }), { numRuns: 60 });
  });

  redis('given Redis time, when a burst of twelve meets a limit of ten, then ten are admitted', async () => {
    const limiter = open();
    const limits: RateLimits = { requestsPerMinute: 10, tokensPerMinute: 1_000 };

    const startMs = await redisTimeMs(admin);
    const admissions: Admission[] = [];
    for (let index = 0; index < 12; index += 1) admissions.push(await limiter.admit({ keyId: 'redis-clock', limits, tokens: 1 }));
    const endMs = await redisTimeMs(admin);

    const admitted = allowedCount(admissions);
    assert.ok(admitted >= 10 && admitted <= 10 + refillDuring(startMs, endMs, 10), `admitted ${admitted}`);
    const last = admissions.at(-1)!;
    assert.ok(!last.allowed && last.reason === 'requests');
  });

  redis('given an admission, when reading Redis, then the key holds exact integers and expires within a minute', async () => {
    const limiter = open({ clock: 'caller' });
    await limiter.admit({ keyId: 'stored', limits: { requestsPerMinute: 7, tokensPerMinute: 1_000 }, tokens: 3, nowMs: 5_000 });

    const stored = await admin.hgetall(`${keyPrefix}stored`);
    const timeToLiveMs = await admin.pttl(`${keyPrefix}stored`);

    assert.equal(stored, { updated: '5000', requests: String(6 * 60_000), tokens: String(997 * 60_000) });
    assert.ok(timeToLiveMs > 0 && timeToLiveMs <= 60_000, `time to live ${timeToLiveMs}`);
  });

  redis('given two limiters on separate connections, when 200 admits race for a limit of 50, then exactly 50 pass', async () => {
    const processes = [open(), open()];
    const limits: RateLimits = { requestsPerMinute: 50, tokensPerMinute: null };

    const startMs = await redisTimeMs(admin);
    const admissions = await Promise.all(Array.from({ length: 200 }, (_, index) =>
      processes[index % 2]!.admit({ keyId: 'race', limits, tokens: 1 })));
    const endMs = await redisTimeMs(admin);

    assert.not.ok(admissions.some((admission) => !admission.allowed && admission.reason === 'unavailable'));
    // A request refills every 1.2 s; only a burst slower than that may admit a 51st.
    const admitted = allowedCount(admissions);
    assert.ok(admitted >= 50 && admitted <= 50 + refillDuring(startMs, endMs, 50), `admitted ${admitted}`);
  });

  redis('given a limiter on Redis time, when a caller passes nowMs, then it crashes as a programmer error', async () => {
    const limiter = open();
    const outcome = await limiter.admit({ keyId: 'clock', limits: { requestsPerMinute: 1, tokensPerMinute: 1 }, tokens: 1, nowMs: 1 })
      .then(() => 'resolved', (error: unknown) => error);
    assert.instance(outcome, Error);
    assert.match((outcome as Error).message, /Redis TIME/);
  });

  redis('given REDIS_URL, when creating a limiter, then it is the Redis one', async () => {
    const limiter = createRateLimiter({ redisUrl: url, keyPrefix });
    assert.instance(limiter, RedisRateLimiter);
    await limiter.close();
  });

  redis.run();
}

const LIMITS: RateLimits = { requestsPerMinute: 1, tokensPerMinute: 10 };

test('given Redis unreachable and failing open, when admitting, then requests pass unlimited and the failure is reported once', async () => {
  const reports: Array<[string, number]> = [];
  const limiter = new RedisRateLimiter({ redisUrl: NOTHING_LISTENS_URL, onError: (error, suppressed) => reports.push([error.message, suppressed]) });

  const admissions = await Promise.all([1, 2, 3].map(() => limiter.admit({ keyId: 'down', limits: LIMITS, tokens: 5 })));
  await limiter.close();

  assert.equal(admissions, [1, 2, 3].map(() => ({ allowed: true, state: { requests: null, tokens: null } })));
  assert.is(reports.length, 1);
});

test('given Redis unreachable and failing closed, when admitting, then requests are refused as unavailable', async () => {
  const limiter = new RedisRateLimiter({ redisUrl: NOTHING_LISTENS_URL, failureMode: 'closed', unavailableRetryAfterMs: 2_000 });

  const admission = await limiter.admit({ keyId: 'down', limits: LIMITS, tokens: 5 });
  await limiter.refund('down', LIMITS, 5);
  await limiter.close();

  assert.equal(admission, { allowed: false, reason: 'unavailable', retryAfterMs: 2_000, state: { requests: null, tokens: null } });
});

test('given unlimited limits, when Redis is unreachable, then admission needs no round trip and is not refused', async () => {
  const limiter = new RedisRateLimiter({ redisUrl: NOTHING_LISTENS_URL, failureMode: 'closed' });

  const admission = await limiter.admit({ keyId: 'free', limits: { requestsPerMinute: null, tokensPerMinute: 0 }, tokens: 5 });
  await limiter.close();

  assert.is(admission.allowed, true);
});

test.run();

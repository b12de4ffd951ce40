// Random sequences of admissions, refunds and clock steps against one key, for the properties
// in in-process-rate-limiter.test.ts and the Redis-versus-in-process comparison.
import fc from 'fast-check';
import type { Admission, RateLimiter, RateLimits } from '../../src/gateway/rate-limit/rate-limiter.ts';

export type Operation =
  | { kind: 'admit'; tokens: number }
  /** Refunds `percent` of the tokens of one earlier admission not yet refunded, as a settled request would. */
  | { kind: 'refund'; pick: number; percent: number }
  | { kind: 'advance'; ms: number };

export interface Scenario {
  limits: { requestsPerMinute: number; tokensPerMinute: number };
  operations: Operation[];
}

export const START_MS = 1_700_000_000_000;

export function scenarioArbitrary(operationsMax: number): fc.Arbitrary<Scenario> {
  return fc.record({ requestsPerMinute: fc.integer({ min: 1, max: 30 }), tokensPerMinute: fc.integer({ min: 1, max: 5_000 }) })
    .chain((limits) => fc.record({
      limits: fc.constant(limits),
      operations: fc.array(fc.oneof(
        { weight: 6, arbitrary: fc.record({ kind: fc.constant('admit' as const),
          // A little past the limit, so some requests are too large.
          tokens: fc.integer({ min: 0, max: Math.ceil(limits.tokensPerMinute * 1.1) }) }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), percent: fc.integer({ min: 0, max: 100 }) }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const),
          ms: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 70_000 })) }) },
      ), { minLength: 1, maxLength: operationsMax, size: 'max' }),
    }));
}

/** Tokens to give back for a refund operation, taken off the list of admissions not yet refunded. */
export function takeRefund(outstanding: number[], operation: { pick: number; percent: number }): number | undefined {
  if (outstanding.length === 0) return undefined;
  const [admitted] = outstanding.splice(operation.pick % outstanding.length, 1);
  return Math.floor((admitted as number) * operation.percent / 100);
}

/** Plays a scenario against one key and returns every admission in order. */
export async function playScenario(limiter: RateLimiter, keyId: string, scenario: Scenario): Promise<Admission[]> {
  const limits: RateLimits = scenario.limits;
  const admissions: Admission[] = [];
  const outstanding: number[] = [];
  let nowMs = START_MS;
  for (const operation of scenario.operations) {
    if (operation.kind === 'advance') {
      nowMs += operation.ms;
    } else if (operation.kind === 'admit') {
      const admission = await limiter.admit({ keyId, limits, tokens: operation.tokens, nowMs });
      if (admission.allowed) outstanding.push(operation.tokens);
      admissions.push(admission);
    } else {
      const tokens = takeRefund(outstanding, operation);
      if (tokens !== undefined) await limiter.refund(keyId, limits, tokens, nowMs);
    }
  }
  return admissions;
}

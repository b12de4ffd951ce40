// Token costs round up to the next whole micro-dollar, exactly, for every count and price.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { tokenCostMicros } from '../../src/domain/money.ts';

function byBigInt(tokens: number, price: number): number {
  return Number((BigInt(tokens) * BigInt(price) + 999_999n) / 1_000_000n);
}

test('given any token count and price, the cost is the exact ceiling of tokens × price / 1,000,000', () => {
  fc.assert(fc.property(fc.nat({ max: 2_000_000_000 }), fc.nat({ max: 200_000_000 }), (tokens, price) => {
    assert.is(tokenCostMicros(tokens, price), byBigInt(tokens, price));
  }), { numRuns: 20_000 });
});

test('given products at and near whole micros and past 2^53, the cost is still exact', () => {
  for (const [tokens, price] of [[0, 5], [1, 0], [1, 1], [1_000_000, 1], [999_999, 1], [1_000_001, 1], [3, 333_333],
    [2 ** 33, 1_000_000], [2 ** 33 + 1, 999_999], [Number.MAX_SAFE_INTEGER, 1], [Number.MAX_SAFE_INTEGER, 3], [9_007_199, 1_000_000_001]]) {
    assert.is(tokenCostMicros(tokens!, price!), byBigInt(tokens!, price!), `${tokens} × ${price}`);
  }
});

test.run();

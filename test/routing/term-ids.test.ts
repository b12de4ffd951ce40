// The stored form of prompt features: gaps of sorted term ids as varints, in base64.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decodeTermIds, encodeTermIds } from '../../src/gateway/router-store.ts';
import { extractFeatures } from '../../src/routing/features.ts';

test('given any sorted set of 24-bit term ids, decoding the encoding gives them back', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 24 - 1 }), { maxLength: 500 }), (terms) => {
    const sorted = [...terms].sort((left, right) => left - right);
    assert.equal(decodeTermIds(encodeTermIds(sorted)), sorted);
  }));
});

test('given a long prompt, the stored form is much smaller than decimal text', () => {
  const { termIndices } = extractFeatures('Explain the ledger, its holds and settlements, and every audit proof. '.repeat(200)
    + Array.from({ length: 2000 }, (_, index) => `word${index}`).join(' '));
  assert.ok(termIndices.length > 1000);
  assert.ok(encodeTermIds(termIndices).length * 2 < termIndices.join(',').length);
  assert.equal(decodeTermIds(encodeTermIds([])), []);
});

test.run();

import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson } from '../../src/ledger/canonical.ts';
import { StoreError } from '../../src/ledger/event-store.ts';

test('given any JSON value, canonicalJson writes exactly what the RFC 8785 reference package writes', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
    assert.is(canonicalJson(value, { depthMax: 64, bytesMax: 10_000_000 }), canonicalize(value));
  }), { numRuns: 2000, seed: 85 });
});

test('given RFC 8785 sample values, the canonical text matches the specification', () => {
  // From RFC 8785 section 3.2.3 (sorting) and 3.2.2.3 (numbers).
  assert.is(canonicalJson({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' }),
  '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}');
  assert.is(canonicalJson({ numbers: [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001] }),
    '{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}');
});

test('given values that are not plain JSON, canonicalJson refuses them', () => {
  const refused: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1, 10n, new Date(0), new Map(),
    { nested: { deeper: [Number.NaN] } }, 'lone \ud800 surrogate', { ['\udc00']: 1 }, [undefined]];
  for (const value of refused) {
    assert.throws(() => canonicalJson(value), (error: unknown) => error instanceof StoreError && error.code === 'invalid_event');
  }
  assert.throws(() => canonicalJson({ a: { b: { c: 1 } } }, { depthMax: 2, bytesMax: 100 }), /nested too deeply/);
  assert.throws(() => canonicalJson({ text: 'x'.repeat(200) }, { depthMax: 5, bytesMax: 100 }), /larger than/);
});

test.run();

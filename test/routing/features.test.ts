import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractFeatures, featureLimits, termSpaceBits } from '../../src/routing/features.ts';

const question = 'Find the area of a square with side $5$.\nA. 10\nB. 20\nC. 25\nD. 30\nAnswer:';

test('given the same text, when extracting features twice, then they are identical, sorted, unique and in range', () => {
  const first = extractFeatures(question);
  assert.equal(extractFeatures(question), first);
  const terms = first.termIndices;
  for (let index = 1; index < terms.length; index += 1) assert.ok((terms[index] as number) > (terms[index - 1] as number));
  assert.ok(terms.every((term) => term >= 0 && term < 2 ** termSpaceBits));
});

test('given text differing only in letter case or spacing, when extracting, then the features are the same', () => {
  assert.equal(extractFeatures('What is  THE answer?'), extractFeatures('what is the\tanswer ?'));
});

test('given symbols, when extracting, then they are tokens of their own', () => {
  assert.not.equal(extractFeatures('area $5$ square'), extractFeatures('area 5 square'));
  assert.not.equal(extractFeatures('\\frac{1}{2}'), extractFeatures('frac 1 2'));
});

test('given numbers of different sizes, when extracting, then their shapes differ but digits of the same length share one', () => {
  const shared = (left: string, right: string): number => {
    const rightTerms = new Set(extractFeatures(right).termIndices);
    return extractFeatures(left).termIndices.filter((term) => rightTerms.has(term)).length;
  };
  // "12" and "34" share the two-digit shape (and its bigram with "apples"); "12" and "1234" do not.
  assert.ok(shared('12 apples', '34 apples') > shared('12 apples', '1234 apples'));
});

test('given a multiple-choice question, when extracting, then option structure adds cues', () => {
  const withOptions = extractFeatures(question).termIndices.length;
  const flattened = extractFeatures(question.replaceAll('\n', ' ')).termIndices.length;
  assert.ok(withOptions > flattened, `${withOptions} terms with options, ${flattened} without`);
});

test('given non-ASCII text, when extracting, then letters join words and upper case folds', () => {
  assert.equal(extractFeatures('ÉCOLE über'), extractFeatures('école ÜBER'));
  assert.ok(extractFeatures('日本語のテキスト').termIndices.length > 0);
});

test('given a huge prompt, when extracting, then the work is bounded by the token limit', () => {
  const huge = 'word '.repeat(featureLimits.tokensMax * 3);
  const features = extractFeatures(huge);
  assert.ok(features.termIndices.length < 100, 'a repeated word gives few distinct terms');
  assert.ok(extractFeatures('').termIndices.length > 0, 'an empty prompt still has its length cues');
});

test.run();

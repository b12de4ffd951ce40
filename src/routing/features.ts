// Prompt features: a sorted set of hashed term ids. No network, no model weights, no state: the
// same text always gives the same ids, so features can be stored in history and replayed by
// the fit byte for byte. Terms are
//  - word and symbol tokens ("\frac", "$" and "?" count as tokens) and their 2- and 3-grams;
//  - cues about the prompt's form: number shapes, length buckets, the opening words, and the
//    structure of multiple-choice options (how long they are, how many hold digits, the last
//    words of the question stem).
// Symbols and cues matter: cross-validation on the training half showed that plain word n-grams
// miss what separates, say, LaTeX-heavy mathematics from other questions.
import { hashString } from './hashing.ts';
import { scanTokens, type Tokens } from './prompt-tokens.ts';

/** Changes whenever the mapping from text to term ids changes; parameters record it. */
export const featureVersion = 'lumen-features/2';

/** Term ids live in [0, 2^termSpaceBits). */
export const termSpaceBits = 24;
const termMask = (1 << termSpaceBits) - 1;

/** Limits, so a huge prompt costs a bounded amount of work. */
export const featureLimits = { tokensMax: 4_000, charactersMax: 40_000 } as const;

export type PromptFeatures = {
  /** Sorted, unique hashed term ids. Presence only: the router weighs terms, not counts. */
  readonly termIndices: readonly number[];
};

const optionStart = /\n\(?[A-H][.)][ \t]/g;

const seeds = {
  bigram: 0x5bd1e995,
  trigram: 0x27d4eb2f,
  cue: 0x165667b1,
  shapeBigram: 0x61c88647,
  first: 0x7feb352d,
  last: 0x846ca68b,
} as const;

const numberShapes = [0, 1, 2, 3, 4, 5].map((digits) => hashString(`#N${digits}`, seeds.cue));

/** Mixes two 32-bit hashes into one; order matters, so "a b" and "b a" differ. */
function combine(left: number, right: number, seed: number): number {
  let hash = Math.imul(left ^ seed, 0x9e3779b1) ^ right;
  hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

function bucketOfLog(value: number): number {
  return Math.floor(2 * Math.log2(1 + value));
}

/** Extracts features from prompt text; the only input is the text itself. */
export function extractFeatures(promptText: string): PromptFeatures {
  const text = promptText.length > featureLimits.charactersMax ? promptText.slice(0, featureLimits.charactersMax) : promptText;
  const tokens = scanTokens(text, featureLimits.tokensMax);
  const { hashes, count: tokenCount } = tokens;
  // At most five terms per token (three n-grams, a number shape and a shape bigram) plus cues.
  const terms = termScratch(tokenCount * 5 + 64);
  let count = 0;
  for (let index = 0; index < tokenCount; index += 1) {
    const first = hashes[index] as number;
    terms[count++] = first & termMask;
    if (index + 1 >= tokenCount) continue;
    const bigram = combine(first, hashes[index + 1] as number, seeds.bigram);
    terms[count++] = bigram & termMask;
    if (index + 2 < tokenCount) terms[count++] = combine(bigram, hashes[index + 2] as number, seeds.trigram) & termMask;
  }
  count = addNumberCues(tokens, terms, count);
  const cues = [`len:${bucketOfLog(text.length)}`, `lines:${Math.min(countNewlines(text), 12)}`, `words:${bucketOfLog(tokenCount)}`];
  for (let length = 1; length <= Math.min(3, tokenCount); length += 1) {
    let opening = length;
    for (let index = 0; index < length; index += 1) opening = combine(opening, hashes[index] as number, seeds.first);
    terms[count++] = opening & termMask;
  }
  count = addOptionCues(text, tokens, terms, count, cues);
  for (const name of cues) terms[count++] = hashString(name, seeds.cue) & termMask;
  return { termIndices: uniqueSortedTerms(terms, count) };
}

/** Numbers become shapes ("#N3" for three digits), alone and next to their neighbours. */
function addNumberCues(tokens: Tokens, terms: Int32Array, start: number): number {
  const { hashes, numberDigits, count: tokenCount } = tokens;
  let count = start;
  let anyNumber = false;
  for (let index = 0; index < tokenCount; index += 1) {
    const digits = numberDigits[index] as number;
    if (digits > 0) {
      terms[count++] = (numberShapes[digits] as number) & termMask;
      anyNumber = true;
    }
    if (index + 1 >= tokenCount) continue;
    const nextDigits = numberDigits[index + 1] as number;
    if (digits === 0 && nextDigits === 0) continue;
    const left = digits > 0 ? (numberShapes[digits] as number) : (hashes[index] as number);
    const right = nextDigits > 0 ? (numberShapes[nextDigits] as number) : (hashes[index + 1] as number);
    terms[count++] = combine(left, right, seeds.shapeBigram) & termMask;
  }
  if (anyNumber) terms[count++] = hashString('has-number', seeds.cue) & termMask;
  return count;
}

/** Multiple-choice structure: option length, options holding digits, the stem's last words. */
function addOptionCues(text: string, tokens: Tokens, terms: Int32Array, start: number, cues: string[]): number {
  const starts = [...text.matchAll(optionStart)].map((match) => match.index);
  const firstOption = starts[0];
  if (firstOption === undefined || starts.length < 2) return start;
  let optionCharacters = 0;
  let optionsWithDigits = 0;
  starts.forEach((optionAt, index) => {
    const option = text.slice(optionAt, starts[index + 1] ?? text.length);
    optionCharacters += option.length;
    if (/[0-9]/.test(option)) optionsWithDigits += 1;
  });
  cues.push(`option-length:${bucketOfLog(optionCharacters / starts.length)}`, `options-with-digits:${optionsWithDigits}`, `stem-length:${bucketOfLog(firstOption)}`);
  // The last (up to three) tokens of the stem's last line, usually the question itself.
  const lastLineStart = text.lastIndexOf('\n', firstOption - 1) + 1;
  let count = start;
  let taken = 0;
  for (let index = tokens.count - 1; index >= 0 && taken < 3; index -= 1) {
    const tokenStart = tokens.starts[index] as number;
    if (tokenStart >= firstOption) continue;
    if (tokenStart < lastLineStart) break;
    terms[count++] = combine(tokens.hashes[index] as number, 0, seeds.last) & termMask;
    taken += 1;
  }
  return count;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}

// Scratch space for collecting and sorting term ids, reused across calls (extraction is
// synchronous and never re-entered).
let scratch = new Int32Array(8192);
let scratchSorted = new Int32Array(8192);
const radixBits = termSpaceBits / 3;
const radixBuckets = 1 << radixBits;
const bucketCounts = new Int32Array(radixBuckets);

/** The scratch array for term ids, with room for at least `capacity` of them. */
function termScratch(capacity: number): Int32Array {
  if (scratch.length < capacity) {
    scratch = new Int32Array(capacity * 2);
    scratchSorted = new Int32Array(capacity * 2);
  }
  return scratch;
}

/** One stable counting-sort pass over `radixBits` bits starting at `shift`. */
function radixPass(source: Int32Array, target: Int32Array, length: number, shift: number): void {
  bucketCounts.fill(0);
  const digitMask = radixBuckets - 1;
  for (let index = 0; index < length; index += 1) {
    const digit = ((source[index] as number) >>> shift) & digitMask;
    bucketCounts[digit] = (bucketCounts[digit] as number) + 1;
  }
  let total = 0;
  for (let digit = 0; digit < radixBuckets; digit += 1) {
    const count = bucketCounts[digit] as number;
    bucketCounts[digit] = total;
    total += count;
  }
  for (let index = 0; index < length; index += 1) {
    const value = source[index] as number;
    const digit = (value >>> shift) & digitMask;
    target[bucketCounts[digit] as number] = value;
    bucketCounts[digit] = (bucketCounts[digit] as number) + 1;
  }
}

/** The collected term ids sorted by a three-pass radix sort, duplicates dropped. */
function uniqueSortedTerms(values: Int32Array, length: number): number[] {
  radixPass(values, scratchSorted, length, 0);
  radixPass(scratchSorted, values, length, radixBits);
  radixPass(values, scratchSorted, length, 2 * radixBits);
  const unique: number[] = [];
  for (let index = 0; index < length; index += 1) {
    const term = scratchSorted[index] as number;
    if (index === 0 || term !== scratchSorted[index - 1]) unique.push(term);
  }
  return unique;
}

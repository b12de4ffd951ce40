// The prompt tokenizer behind the router's features: runs of letters, digits, marks and "_",
// and every other non-space character on its own, all lower-cased. Each token comes out as
// hashString(token) without the substring ever being built, because this runs on every routed
// request.
import * as hashing from './hashing.ts';

// Local copies: this is the hottest loop of a routing decision, and reading an imported binding
// can cost a call per access once the module is transpiled.
const avalanche = hashing.avalanche;
const fnvOffsetBasis = hashing.fnvOffsetBasis;
const fnvPrime = hashing.fnvPrime;

const wordCharacter = /[\p{L}\p{N}\p{M}_]/u;
const whitespace = /\s/u;

/**
 * Per token: its hash, where it starts, and for numbers their digit count capped at 5 (else 0).
 * The arrays are scratch space reused by the next scan (extraction is synchronous and never
 * re-entered, and allocating them per prompt cost a third of the scan): read `count` entries and
 * do not keep them.
 */
export type Tokens = { readonly hashes: Uint32Array; readonly starts: Int32Array; readonly numberDigits: Uint8Array; readonly count: number };

let hashes = new Uint32Array(1024);
let starts = new Int32Array(1024);
let numberDigits = new Uint8Array(1024);

/** Room for `capacity` tokens, keeping what is already written. */
function ensureCapacity(capacity: number): void {
  if (hashes.length >= capacity) return;
  const size = Math.max(capacity, hashes.length * 2);
  const grownHashes = new Uint32Array(size);
  const grownStarts = new Int32Array(size);
  const grownDigits = new Uint8Array(size);
  grownHashes.set(hashes);
  grownStarts.set(starts);
  grownDigits.set(numberDigits);
  hashes = grownHashes;
  starts = grownStarts;
  numberDigits = grownDigits;
}

const kindSpace = 0;
const kindWord = 1;
const kindSymbol = 2;

/** Classifies the non-ASCII character at `index`; returns its kind, lower-cased form and width. */
function classifyOther(text: string, index: number): { kind: number; lower: string; width: number } {
  const character = String.fromCodePoint(text.codePointAt(index) as number);
  if (whitespace.test(character)) return { kind: kindSpace, lower: '', width: character.length };
  return { kind: wordCharacter.test(character) ? kindWord : kindSymbol, lower: character.toLowerCase(), width: character.length };
}

function hashUnits(state: number, units: string): number {
  let hash = state;
  for (let unit = 0; unit < units.length; unit += 1) hash = Math.imul(hash ^ units.charCodeAt(unit), fnvPrime);
  return hash;
}

/** Token `count`: its hash, where it starts, and its digits (a number's, up to 5; -1: not a number). */
function setToken(count: number, state: number, start: number, digits: number): void {
  hashes[count] = avalanche(state);
  starts[count] = start;
  numberDigits[count] = digits > 5 ? 5 : digits === -1 ? 0 : digits;
}

/**
 * Scans at most `tokensMax` tokens; ASCII takes a fast path, other characters a Unicode test.
 * A word in progress is `wordStart` >= 0; `wordDigits` counts its digits, or is -1 once it holds
 * anything else.
 */
export function scanTokens(text: string, tokensMax: number): Tokens {
  // A word and the symbol that ends it can both land on the last round, so one spare slot.
  ensureCapacity(Math.min(tokensMax, text.length) + 1);
  let count = 0;
  let state = 0;
  let wordStart = -1;
  let wordDigits = 0;
  let index = 0;
  while (index < text.length && count < tokensMax) {
    const code = text.charCodeAt(index);
    if (code < 128) {
      const isDigit = code >= 48 && code <= 57;
      if (isDigit || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95) {
        if (wordStart === -1) {
          wordStart = index;
          state = fnvOffsetBasis;
          wordDigits = 0;
        }
        state = Math.imul(state ^ (code >= 65 && code <= 90 ? code + 32 : code), fnvPrime);
        wordDigits = isDigit && wordDigits !== -1 ? wordDigits + 1 : -1;
      } else {
        if (wordStart !== -1) {
          setToken(count, state, wordStart, wordDigits);
          count += 1;
          wordStart = -1;
        }
        if (code !== 32 && !(code >= 9 && code <= 13)) {
          setToken(count, Math.imul(fnvOffsetBasis ^ code, fnvPrime), index, -1);
          count += 1;
        }
      }
      index += 1;
      continue;
    }
    const other = classifyOther(text, index);
    if (other.kind === kindWord) {
      if (wordStart === -1) {
        wordStart = index;
        state = fnvOffsetBasis;
      }
      state = hashUnits(state, other.lower);
      wordDigits = -1;
    } else {
      if (wordStart !== -1) {
        setToken(count, state, wordStart, wordDigits);
        count += 1;
        wordStart = -1;
      }
      if (other.kind === kindSymbol) {
        setToken(count, hashUnits(fnvOffsetBasis, other.lower), index, -1);
        count += 1;
      }
    }
    index += other.width;
  }
  if (wordStart !== -1) {
    setToken(count, state, wordStart, wordDigits);
    count += 1;
  }
  return { hashes, starts, numberDigits, count };
}

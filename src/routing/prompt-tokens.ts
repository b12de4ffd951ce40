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

/** Per token: its hash, where it starts, and for numbers their digit count capped at 5 (else 0). */
export type Tokens = { hashes: number[]; starts: number[]; numberDigits: number[] };

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

/** Scans at most `tokensMax` tokens; ASCII takes a fast path, other characters a Unicode test. */
export function scanTokens(text: string, tokensMax: number): Tokens {
  const tokens: Tokens = { hashes: [], starts: [], numberDigits: [] };
  let state = 0;
  let inWord = false;
  let onlyDigits = true;
  let wordLength = 0;
  const endWord = (): void => {
    if (!inWord) return;
    tokens.hashes.push(avalanche(state));
    tokens.numberDigits.push(onlyDigits ? Math.min(wordLength, 5) : 0);
    inWord = false;
  };
  const startWord = (index: number): void => {
    inWord = true;
    state = fnvOffsetBasis;
    onlyDigits = true;
    wordLength = 0;
    tokens.starts.push(index);
  };
  let index = 0;
  while (index < text.length && tokens.hashes.length < tokensMax) {
    const code = text.charCodeAt(index);
    if (code < 128) {
      index += 1;
      const isDigit = code >= 48 && code <= 57;
      if (isDigit || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95) {
        if (!inWord) startWord(index - 1);
        state = Math.imul(state ^ (code >= 65 && code <= 90 ? code + 32 : code), fnvPrime);
        onlyDigits &&= isDigit;
        wordLength += 1;
      } else if (code === 32 || (code >= 9 && code <= 13)) {
        endWord();
      } else {
        endWord();
        tokens.starts.push(index - 1);
        tokens.hashes.push(avalanche(Math.imul(fnvOffsetBasis ^ code, fnvPrime)));
        tokens.numberDigits.push(0);
      }
      continue;
    }
    const other = classifyOther(text, index);
    if (other.kind === kindWord) {
      if (!inWord) startWord(index);
      state = hashUnits(state, other.lower);
      onlyDigits = false;
    } else {
      endWord();
      if (other.kind === kindSymbol) {
        tokens.starts.push(index);
        tokens.hashes.push(avalanche(hashUnits(fnvOffsetBasis, other.lower)));
        tokens.numberDigits.push(0);
      }
    }
    index += other.width;
  }
  endWord();
  return tokens;
}

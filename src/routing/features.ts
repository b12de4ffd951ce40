// Cheap prompt features: hashed word n-grams plus a few shape measures.
// No network, no model weights, no state: the same text always gives the same features,
// so features can be stored in history rows and replayed by `fit` byte for byte.
import { hashString } from './hashing.ts';

/** Hashed term space size. Large enough that collisions between distinct words are rare. */
export const termSpaceSize = 1 << 20;

/** Names of the entries of `PromptFeatures.shape`, in order. */
export const shapeFeatureNames = [
  'log_characters',
  'log_words',
  'digit_share',
  'math_symbol_share',
  'code_marker_share',
  'question_marks',
  'line_count',
  'long_word_share',
] as const;

export type PromptFeatures = {
  /** Sorted, unique hashed term ids (word unigrams and bigrams). */
  readonly termIndices: readonly number[];
  /** Sub-linear term frequency (1 + ln count) for each id in `termIndices`. */
  readonly termWeights: readonly number[];
  /** Small dense measures of the prompt's form, ordered as `shapeFeatureNames`. */
  readonly shape: readonly number[];
};

const wordPattern = /[\p{L}\p{N}]+/gu;
const mathSymbols = new Set(['+', '=', '^', '*', '/', '<', '>', '√', '∫', '∑', '±', '≤', '≥', '×', '÷', 'π', '%']);
const codeMarkers = new Set(['{', '}', ';', '(', ')', '[', ']', '_', '#']);
const bigramSeed = 0x5bd1e995;

/** Extracts features from prompt text; the only input is the text itself. */
export function extractFeatures(promptText: string): PromptFeatures {
  const words = promptText.toLowerCase().match(wordPattern) ?? [];
  const counts = new Map<number, number>();
  const addTerm = (termId: number): void => {
    counts.set(termId, (counts.get(termId) ?? 0) + 1);
  };
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    addTerm(hashString(word) % termSpaceSize);
    const next = words[index + 1];
    if (next !== undefined) addTerm(hashString(`${word} ${next}`, bigramSeed) % termSpaceSize);
  }
  const termIndices = [...counts.keys()].sort((left, right) => left - right);
  const termWeights = termIndices.map((termId) => 1 + Math.log(counts.get(termId) as number));
  return { termIndices, termWeights, shape: measureShape(promptText, words) };
}

function measureShape(promptText: string, words: readonly string[]): number[] {
  let digits = 0;
  let math = 0;
  let code = 0;
  let questionMarks = 0;
  let lines = 1;
  for (const character of promptText) {
    if (character >= '0' && character <= '9') digits += 1;
    else if (mathSymbols.has(character)) math += 1;
    else if (codeMarkers.has(character)) code += 1;
    else if (character === '?') questionMarks += 1;
    else if (character === '\n') lines += 1;
  }
  const characters = Math.max(promptText.length, 1);
  const longWords = words.filter((word) => word.length >= 9).length;
  return [
    Math.log1p(promptText.length) / 8,
    Math.log1p(words.length) / 6,
    digits / characters,
    math / characters,
    code / characters,
    Math.min(questionMarks, 5) / 5,
    Math.min(Math.log1p(lines) / 4, 1),
    words.length === 0 ? 0 : longWords / words.length,
  ];
}
